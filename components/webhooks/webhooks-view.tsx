// Webhook endpoints and one endpoint's delivery log (with resend).
import Link from "next/link";
import { useTranslations } from "next-intl";
import { ActionForm, type FormAction } from "@/components/alerts/action-form";
import { Card, Empty } from "@/components/ui";

type Action = FormAction;
export interface EndpointRow { id: string; url: string; description: string; events: string[]; enabled: boolean; secretHint: string }
export interface DeliveryRow {
  id: string; eventId: string; eventType: string; status: string; attempts: number; lastStatusCode: number | null; lastError: string | null;
  nextAttemptAt: string | null; createdAt: string; log: { at: string; statusCode: number | null; error: string | null }[];
}

export function EndpointList({ endpoints }: { endpoints: EndpointRow[] }) {
  const t = useTranslations("webhooks");
  if (!endpoints.length) return <Empty>{t("noEndpoints")}</Empty>;
  return (
    <ul className="divide-y divide-line text-sm" data-testid="webhook-endpoints">
      {endpoints.map((e) => (
        <li key={e.id} className="py-2">
          <Link href={`/webhooks/${encodeURIComponent(e.id)}`} className="font-medium underline">{e.url}</Link>
          {!e.enabled && <span className="ml-2 text-xs text-red-700">{t("disabled")}</span>}
          <span className="block text-xs text-muted">{e.description ? `${e.description} · ` : ""}{e.events.join(", ")}</span>
        </li>
      ))}
    </ul>
  );
}

const STATUS: Record<string, string> = { succeeded: "text-green-700", pending: "text-amber-700", failed: "text-red-700" };

export function EndpointDetail(p: { endpoint: EndpointRow; deliveries: DeliveryRow[]; olderHref: string | null; formatAt: (iso: string) => string; canEdit: boolean; actions: { resend: Action; toggle: Action; remove: Action } }) {
  const t = useTranslations("webhooks");
  const e = p.endpoint;
  return (
    <div className="space-y-4">
      <Card title={t("endpoint")}>
        <dl className="grid gap-1 text-sm sm:grid-cols-[10rem_1fr]">
          <dt className="text-muted">{t("url")}</dt><dd className="break-all" data-testid="webhook-url">{e.url}</dd>
          <dt className="text-muted">{t("events")}</dt><dd>{e.events.join(", ")}</dd>
          <dt className="text-muted">{t("secret")}</dt><dd><code>{e.secretHint}</code> {t("secretNote")}</dd>
          <dt className="text-muted">{t("state")}</dt><dd>{t("enabledState", { enabled: String(e.enabled) })}</dd>
        </dl>
        {p.canEdit && (
          <div className="mt-3 flex gap-3 text-sm">
            <ActionForm action={p.actions.toggle}>
              <input type="hidden" name="endpointId" value={e.id} />
              <input type="hidden" name="enabled" value={String(!e.enabled)} />
              <button className="underline">{e.enabled ? t("disable") : t("enable")}</button>
            </ActionForm>
            <ActionForm action={p.actions.remove}>
              <input type="hidden" name="endpointId" value={e.id} />
              <button className="text-red-700 underline">{t("delete")}</button>
            </ActionForm>
          </div>
        )}
      </Card>
      <Card title={t("deliveries")}>
        {!p.deliveries.length ? (
          <Empty>{t("noDeliveries")}</Empty>
        ) : (
          <table className="w-full text-sm" data-testid="webhook-deliveries">
            <thead className="text-left text-xs text-muted">
              <tr><th scope="col" className="py-1">{t("colCreated")}</th><th scope="col">{t("colEvent")}</th><th scope="col">{t("colStatus")}</th><th scope="col">{t("colAttempts")}</th><th scope="col"><span className="sr-only">{t("colActions")}</span></th></tr>
            </thead>
            <tbody className="divide-y divide-line">
              {p.deliveries.map((d) => (
                <tr key={d.id}>
                  <td className="whitespace-nowrap py-2 pr-3 align-top">{p.formatAt(d.createdAt)}</td>
                  <td className="py-2 pr-3 align-top"><code>{d.eventType}</code><span className="block text-xs text-muted">{d.eventId}</span></td>
                  <td className={`py-2 pr-3 align-top font-medium ${STATUS[d.status] ?? ""}`} data-testid="delivery-status">
                    {t("status", { status: d.status })}{d.lastStatusCode !== null && ` (${d.lastStatusCode})`}
                    {d.lastError && <span className="block text-xs font-normal text-muted">{d.lastError}</span>}
                    {d.nextAttemptAt && <span className="block text-xs font-normal text-muted">{t("nextTry", { at: p.formatAt(d.nextAttemptAt) })}</span>}
                  </td>
                  <td className="py-2 pr-3 align-top">
                    {d.attempts}
                    <ul className="text-xs text-muted">
                      {d.log.map((l) => <li key={l.at}>{p.formatAt(l.at)} · {l.statusCode ?? l.error}</li>)}
                    </ul>
                  </td>
                  <td className="py-2 align-top">
                    {p.canEdit && (
                      <ActionForm action={p.actions.resend}>
                        <input type="hidden" name="endpointId" value={e.id} />
                        <input type="hidden" name="deliveryId" value={d.id} />
                        <button className="underline">{t("resend")}</button>
                      </ActionForm>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {p.olderHref && <a href={p.olderHref} className="mt-2 inline-block text-sm underline">{t("older")}</a>}
      </Card>
    </div>
  );
}
