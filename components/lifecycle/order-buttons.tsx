"use client";
// Pay or cancel one unpaid order; the server says what happened.
import { useTranslations } from "next-intl";
import { useState, useTransition } from "react";
import type { ActionResult } from "@/lib/action-result";

type Result = ActionResult<{ message: string }>;

export function OrderButtons({ orderId, pay, cancel }: { orderId: string; pay: (id: string) => Promise<Result>; cancel: (id: string) => Promise<Result> }) {
  const t = useTranslations("lifecycle");
  const [pending, start] = useTransition();
  const [note, setNote] = useState<string | null>(null);
  const run = (fn: (id: string) => Promise<Result>) =>
    start(async () => {
      const r = await fn(orderId);
      setNote(r.error !== undefined ? r.error : r.ok.message);
    });
  return (
    <span className="flex flex-wrap items-center gap-2">
      <button type="button" disabled={pending} onClick={() => run(pay)} className="rounded border border-line px-2 py-0.5 hover:bg-surface disabled:opacity-50">{t("pay")}</button>
      <button type="button" disabled={pending} onClick={() => run(cancel)} className="rounded border border-line px-2 py-0.5 hover:bg-surface disabled:opacity-50">{t("cancel")}</button>
      {note && <span role="status" className="whitespace-normal text-xs">{note}</span>}
    </span>
  );
}
