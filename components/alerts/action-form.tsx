"use client";
// A form posting to a server action that answers { ok } or { error }, shown
// under it (errors never travel in the URL).
import { useActionState } from "react";

export type FormState = { ok?: string; error?: string } | null;

export function ActionForm({ action, children, className, testId }: {
  action: (prev: FormState, data: FormData) => Promise<FormState>;
  children: React.ReactNode;
  className?: string;
  testId?: string;
}) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <form action={formAction} className={className} data-testid={testId} aria-busy={pending}>
      {children}
      {state?.error && <p role="alert" className="text-sm text-red-700">{state.error}</p>}
      {state?.ok && <p role="status" className="text-sm text-green-700">{state.ok}</p>}
    </form>
  );
}
