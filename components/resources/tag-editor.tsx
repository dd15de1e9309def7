"use client";
// The instance's tags and resource group, editable by admins: one row per tag
// (an empty key drops its row) and two blank rows to add more. Saved through
// the page's server action; the page re-renders with the new assignment.
import { useTranslations } from "next-intl";
import { Fragment, useActionState } from "react";
import type { ActionResult, ActionState } from "@/lib/action-result";

const BLANK_ROWS = 2;

export function TagEditor({ tags, resourceGroup, action }: {
  tags: Record<string, string>;
  resourceGroup: string | null;
  action: (prev: ActionState<true>, data: FormData) => Promise<ActionResult<true>>;
}) {
  const t = useTranslations("tags");
  const [state, formAction, pending] = useActionState<ActionState<true>, FormData>(action, null);
  const byCode = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const rows = [...Object.entries(tags).sort(([a], [b]) => byCode(a, b)), ...Array.from({ length: BLANK_ROWS }, () => ["", ""] as [string, string])];
  return (
    <div className="space-y-3 text-sm" data-testid="tag-editor">
    {/* Keyed by the saved set: after a save the inputs start from what is now in force (the message stays). */}
    <form key={JSON.stringify([tags, resourceGroup])} id="tag-editor-form" action={formAction} aria-label={t("title")} className="space-y-3">
      {/* A form's layout, not a data table: each input carries its own label. */}
      <div className="grid grid-cols-2 gap-x-2 gap-y-1">
        <span className="text-xs text-muted" aria-hidden="true">{t("key")}</span>
        <span className="text-xs text-muted" aria-hidden="true">{t("value")}</span>
        {rows.map(([k, v], i) => (
          <Fragment key={i}>
            <input name="key" defaultValue={k} aria-label={`${t("key")} ${i + 1}`} maxLength={128}
              className="w-full rounded border border-line px-2 py-1" />
            <input name="value" defaultValue={v} aria-label={`${t("value")} ${i + 1}`} maxLength={256}
              className="w-full rounded border border-line px-2 py-1" />
          </Fragment>
        ))}
      </div>
      <label className="flex flex-col gap-1 text-xs text-muted">
        {t("resourceGroup")}
        <input name="resourceGroup" defaultValue={resourceGroup ?? ""} maxLength={64} placeholder={t("noGroup")}
          className="rounded border border-line px-2 py-1 text-sm text-ink" />
      </label>
      <p className="text-xs text-muted">{t("editHint")}</p>
    </form>
    <div className="flex flex-wrap items-center gap-2">
      <button type="submit" form="tag-editor-form" disabled={pending} className="rounded bg-brand px-3 py-1.5 font-medium text-white disabled:opacity-50">{t("save")}</button>
      {state?.ok && <span role="status" className="text-xs text-green-800">{t("saved")}</span>}
      {state?.error && <span role="alert" className="text-xs text-red-700">{state.error}</span>}
    </div>
    </div>
  );
}
