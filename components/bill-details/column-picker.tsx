"use client";
// Customize Columns: a small dialog with one checkbox per field; saved per user.
// A native <dialog> opened modally makes the page inert, closes on Escape and
// returns focus to the button that opened it; Tab and Shift+Tab wrap inside it
// (without this, focus would leave for the browser's own toolbar).
import { useTranslations } from "next-intl";
import { useActionState, useRef } from "react";
import type { ActionResult, ActionState } from "@/lib/action-result";

const FOCUSABLE = "button:not([disabled]), input:not([disabled]), select:not([disabled]), a[href], [tabindex]:not([tabindex='-1'])";

function trapTab(event: React.KeyboardEvent<HTMLDialogElement>) {
  if (event.key !== "Tab") return;
  const items = [...event.currentTarget.querySelectorAll<HTMLElement>(FOCUSABLE)];
  if (!items.length) return;
  const [first, last] = [items[0], items[items.length - 1]];
  if (event.shiftKey && document.activeElement === first) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && document.activeElement === last) {
    event.preventDefault();
    first.focus();
  }
}

export function ColumnPicker({ columns, chosen, action }: {
  columns: readonly { key: string; label: string }[];
  chosen: readonly string[];
  action: (prev: ActionState<true>, data: FormData) => Promise<ActionResult<true>>;
}) {
  const t = useTranslations("columns");
  const dialog = useRef<HTMLDialogElement>(null);
  const [state, formAction, pending] = useActionState<ActionState<true>, FormData>(action, null);
  return (
    <>
      <button type="button" onClick={() => dialog.current?.showModal()} aria-haspopup="dialog"
        className="rounded border border-line bg-white px-3 py-1.5 text-sm font-medium hover:border-brand">
        {t("open")}
      </button>
      <dialog ref={dialog} aria-labelledby="column-picker-title" onKeyDown={trapTab}
        className="m-auto w-80 max-w-[calc(100vw-2rem)] rounded-lg border border-line bg-white p-0 shadow-xl backdrop:bg-black/30">
        <form action={formAction} aria-label={t("open")} className="p-4">
          <h2 id="column-picker-title" className="mb-2 font-semibold">{t("open")}</h2>
          <fieldset className="grid max-h-80 grid-cols-1 gap-1 overflow-y-auto text-sm">
            <legend className="mb-2 text-xs text-muted">{t("legend")}</legend>
            {columns.map((c) => (
              <label key={c.key} className="flex items-center gap-2">
                <input type="checkbox" name="columns" value={c.key} defaultChecked={chosen.includes(c.key)} />
                {c.label}
              </label>
            ))}
          </fieldset>
          <div className="mt-3 flex flex-wrap items-center gap-2">
            <button type="submit" disabled={pending} className="rounded bg-brand px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50">
              {pending ? t("saving") : t("save")}
            </button>
            <button type="button" onClick={() => dialog.current?.close()} className="rounded border border-line px-3 py-1.5 text-sm">
              {t("close")}
            </button>
            {state?.ok && <span role="status" className="text-xs text-green-800">{t("saved")}</span>}
            {state?.error && <span role="alert" className="text-xs text-red-700">{state.error}</span>}
          </div>
        </form>
      </dialog>
    </>
  );
}
