"use client";
// New webhook endpoint: URL and events; the signing secret is shown here once.
import { useTranslations } from "next-intl";
import { useActionState } from "react";
import type { ActionResult, ActionState } from "@/lib/action-result";

export interface CreatedEndpoint { id: string; url: string; secret: string }

export function CreateEndpointForm({ action, eventTypes }: { action: (prev: ActionState<CreatedEndpoint>, data: FormData) => Promise<ActionResult<CreatedEndpoint>>; eventTypes: readonly string[] }) {
  const t = useTranslations("webhooks");
  const [state, formAction, pending] = useActionState<ActionState<CreatedEndpoint>, FormData>(action, null);
  return (
    <form action={formAction} className="space-y-2 text-sm" data-testid="webhook-form">
      <label className="block">{t("url")} <input name="url" required type="url" placeholder="https://example.com/billing-events" className="w-full rounded border border-line px-2 py-1" /></label>
      <label className="block">{t("description")} <input name="description" className="w-full rounded border border-line px-2 py-1" /></label>
      <fieldset>
        <legend>{t("events")}</legend>
        <div className="grid gap-1 sm:grid-cols-2">
          {eventTypes.map((t) => (
            <label key={t} className="flex items-center gap-1"><input type="checkbox" name="events" value={t} defaultChecked /> <code>{t}</code></label>
          ))}
        </div>
      </fieldset>
      <button disabled={pending} className="rounded bg-brand px-3 py-1 font-semibold text-white disabled:opacity-50">{pending ? t("adding") : t("addButton")}</button>
      {state?.error && <p role="alert" className="text-red-700">{state.error}</p>}
      {state?.ok && (
        <div role="status" className="rounded border border-green-200 bg-green-50 p-2" data-testid="webhook-created">
          {t("created")} <code data-testid="webhook-secret" className="break-all font-semibold">{state.ok.secret}</code>{" "}
          · <a className="underline" href={`/webhooks/${encodeURIComponent(state.ok.id)}`}>{t("deliveryLog")}</a>
        </div>
      )}
    </form>
  );
}
