"use client";
// Customize Columns: a disclosure with one checkbox per field; saved per user.
import { useActionState } from "react";
import type { ColumnsState } from "@/app/(console)/bill-details/actions";

export function ColumnPicker({ columns, chosen, action }: {
  columns: readonly { key: string; label: string }[];
  chosen: readonly string[];
  action: (prev: ColumnsState, data: FormData) => Promise<ColumnsState>;
}) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <details className="relative">
      <summary className="cursor-pointer list-none rounded border border-line bg-white px-3 py-1.5 text-sm font-medium hover:border-brand">
        Customize Columns
      </summary>
      <form action={formAction} aria-label="Customize Columns"
        className="absolute right-0 z-10 mt-1 w-72 max-w-[90vw] rounded-lg border border-line bg-white p-3 shadow-lg">
        <fieldset className="grid max-h-80 grid-cols-1 gap-1 overflow-y-auto text-sm">
          <legend className="mb-2 text-xs text-muted">Shown in the table and in the CSV export</legend>
          {columns.map((c) => (
            <label key={c.key} className="flex items-center gap-2">
              <input type="checkbox" name="columns" value={c.key} defaultChecked={chosen.includes(c.key)} />
              {c.label}
            </label>
          ))}
        </fieldset>
        <div className="mt-3 flex items-center gap-2">
          <button type="submit" disabled={pending} className="rounded bg-brand px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50">
            {pending ? "Saving…" : "Save columns"}
          </button>
          {state?.ok && <span role="status" className="text-xs text-green-700">Saved</span>}
          {state?.error && <span role="alert" className="text-xs text-red-700">{state.error}</span>}
        </div>
      </form>
    </details>
  );
}
