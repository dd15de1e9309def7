// Webhook endpoints and one endpoint's delivery log (with resend).
import Link from "next/link";
import { useTranslations } from "next-intl";
import { ActionForm, type FormAction } from "@/components/alerts/action-form";
import { TableFrame, Td, Th } from "@/components/table";
import { Card, Empty } from "@/components/ui";
import { useFormat } from "@/i18n/format";

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
  const f = useFormat();
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
          <TableFrame label={t("deliveries")} testId="webhook-deliveries" bare>
            <thead>
              <tr><Th>{t("colCreated")}</Th><Th>{t("colEvent")}</Th><Th>{t("colStatus")}</Th><Th right>{t("colAttempts")}</Th><Th><span className="sr-only">{t("colActions")}</span></Th></tr>
            </thead>
            <tbody>
              {p.deliveries.map((d) => (
                <tr key={d.id}>
                  <Td>{p.formatAt(d.createdAt)}</Td>
                  <Td><code>{d.eventType}</code><span className="block text-xs text-muted">{d.eventId}</span></Td>
                  <Td wrap className={`font-medium ${STATUS[d.status] ?? ""}`} testId="delivery-status">
                    {t("status", { status: d.status })}{d.lastStatusCode !== null && ` (${d.lastStatusCode})`}
                    {d.lastError && <span className="block text-xs font-normal text-muted">{d.lastError}</span>}
                    {d.nextAttemptAt && <span className="block text-xs font-normal text-muted">{t("nextTry", { at: p.formatAt(d.nextAttemptAt) })}</span>}
                  </Td>
                  <Td right>
                    {f.count(d.attempts)}
                    <ul className="text-xs text-muted">
                      {d.log.map((l) => <li key={l.at}>{p.formatAt(l.at)} · {l.statusCode ?? l.error}</li>)}
                    </ul>
                  </Td>
                  <Td>
                    {p.canEdit && (
                      <ActionForm action={p.actions.resend}>
                        <input type="hidden" name="endpointId" value={e.id} />
                        <input type="hidden" name="deliveryId" value={d.id} />
                        <button className="underline">{t("resend")}</button>
                      </ActionForm>
                    )}
                  </Td>
                </tr>
              ))}
            </tbody>
          </TableFrame>
        )}
        {p.olderHref && <a href={p.olderHref} className="mt-2 inline-block text-sm underline">{t("older")}</a>}
      </Card>
    </div>
  );
}
