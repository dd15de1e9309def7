"use client";
// A countdown that keeps ticking in the browser. It counts from the server's
// "now" (which may be an account's test clock), advanced by real elapsed time.
import { useEffect, useState } from "react";
import { formatCountdown } from "@/lib/overdue/machine";

export function Countdown({ at, now, label }: { at: string; now: string; label?: string }) {
  const [elapsed, setElapsed] = useState(0);
  useEffect(() => {
    const start = Date.now();
    const id = setInterval(() => setElapsed(Date.now() - start), 30_000);
    return () => clearInterval(id);
  }, []);
  const text = formatCountdown(new Date(new Date(now).getTime() + elapsed), new Date(at));
  return (
    <span data-testid="countdown" title={at} className="tabular-nums">
      {label ? `${label} ` : ""}
      {text === "due now" ? text : `in ${text}`}
    </span>
  );
}
