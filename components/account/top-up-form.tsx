"use client";
// Top-up form: one idempotency key per intended top-up, so a double submit or
// a retry after a network error is applied once; a fresh key after success.
import { useActionState, useState } from "react";

export type TopUpState = { ok?: string; error?: string; key?: string } | null;

export function TopUpForm({ action, currency }: { action: (prev: TopUpState, form: FormData) => Promise<TopUpState>; currency: string }) {
  const [state, formAction, pending] = useActionState(action, null);
  const [key, setKey] = useState(() => crypto.randomUUID());
  const [lastOk, setLastOk] = useState<string | undefined>();
  if (state?.ok && state.ok !== lastOk) {
    setLastOk(state.ok);
    setKey(crypto.randomUUID());
  }
  return (
    <form action={formAction} className="flex flex-wrap items-end gap-2" data-testid="top-up-form">
      <input type="hidden" name="idempotencyKey" value={key} />
      <label className="text-xs">
        <span className="block text-muted">Amount ({currency})</span>
        <input name="amount" required inputMode="decimal" placeholder="100.00" className="w-32 rounded border border-line px-2 py-1" />
      </label>
      <button disabled={pending} className="rounded bg-brand px-3 py-1 font-semibold text-white disabled:opacity-50">
        {pending ? "Topping up…" : "Top up"}
      </button>
      {state?.error && <p role="alert" className="w-full text-sm text-red-700">{state.error}</p>}
      {state?.ok && <p role="status" className="w-full text-sm text-green-700">{state.ok}</p>}
    </form>
  );
}
