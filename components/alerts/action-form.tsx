"use client";
// A form posting to a server action that answers an ActionResult, shown
// under it (errors never travel in the URL).
import { useActionState } from "react";
import type { ActionResult, ActionState } from "@/lib/action-result";

/** A server action answering a sentence for the user. */
export type FormAction = (prev: ActionState, data: FormData) => Promise<ActionResult>;

export function ActionForm({ action, children, className, testId }: {
  action: FormAction;
  children: React.ReactNode;
  className?: string;
  testId?: string;
}) {
  const [state, formAction, pending] = useActionState<ActionState, FormData>(action, null);
  return (
    <form action={formAction} className={className} data-testid={testId} aria-busy={pending}>
      {children}
      {state?.error && <p role="alert" className="text-sm text-red-700">{state.error}</p>}
      {state?.ok && <p role="status" className="text-sm text-green-700">{state.ok}</p>}
    </form>
  );
}
