"use client";
// Top-up form: one idempotency key per intended top-up, so a double submit or
// a retry after a lost response is applied once; a fresh key after success.
// The key is made on first submit, in the browser (not during SSR).
import { useTranslations } from "next-intl";
import { useActionState, useRef } from "react";
import type { ActionResult, ActionState } from "@/lib/action-result";

export function TopUpForm({ action, currency }: { action: (prev: ActionState, form: FormData) => Promise<ActionResult>; currency: string }) {
  const t = useTranslations("topUp");
  const key = useRef<string | null>(null);
  const [state, formAction, pending] = useActionState(async (prev: ActionState, form: FormData): Promise<ActionState> => {
    key.current ??= crypto.randomUUID();
    form.set("idempotencyKey", key.current);
    const result = await action(prev, form);
    if (result.ok !== undefined) key.current = null;
    return result;
  }, null);
  return (
    <form action={formAction} className="flex flex-wrap items-end gap-2" data-testid="top-up-form">
      <label className="text-xs">
        <span className="block text-muted">{t("amount", { currency })}</span>
        <input name="amount" required inputMode="decimal" placeholder="100.00" className="w-32 rounded border border-line px-2 py-1.5" />
      </label>
      <button disabled={pending} className="rounded bg-brand px-3 py-1.5 font-semibold text-white disabled:opacity-50">
        {pending ? t("pending") : t("submit")}
      </button>
      {state?.error && <p role="alert" className="w-full text-sm text-red-700">{state.error}</p>}
      {state?.ok && <p role="status" className="w-full text-sm text-green-800">{state.ok}</p>}
    </form>
  );
}
