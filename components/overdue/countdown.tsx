"use client";
// A countdown that keeps ticking in the browser. It counts from the server's
// "now" (which may be an account's test clock), advanced by real elapsed time.
import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { countdownParts } from "@/lib/overdue/machine";

export function Countdown({ at, now }: { at: string; now: string }) {
  const t = useTranslations("countdown");
  const [elapsed, setElapsed] = useState(0);
  useEffect(() => {
    const start = Date.now();
    const id = setInterval(() => setElapsed(Date.now() - start), 30_000);
    return () => clearInterval(id);
  }, []);
  const p = countdownParts(new Date(new Date(now).getTime() + elapsed), new Date(at));
  const text = !p ? t("dueNow") : p.days > 0 ? t("days", { days: p.days, hours: p.hours }) : t("hours", { hours: p.hours, minutes: String(p.minutes).padStart(2, "0") });
  return (
    <span data-testid="countdown" title={at} className="tabular-nums">{text}</span>
  );
}
