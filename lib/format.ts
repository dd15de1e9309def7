// Display helpers for instants and labels (no money here: see money.ts).
import { TZDate } from "@date-fns/tz";
import { format } from "date-fns";

export function formatInstant(at: Date | null | undefined, timeZone: string): string {
  if (!at) return "—";
  return format(new TZDate(at, timeZone), "yyyy-MM-dd HH:mm");
}

export const BILLING_METHOD_LABELS: Record<string, string> = {
  subscription: "Subscription",
  payg: "Pay-as-you-go",
  free: "Free",
};
