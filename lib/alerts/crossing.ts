// When did cumulative spend first reach a limit? Pure, over charges in the
// order they fell due.
import type Decimal from "decimal.js";
import { dec } from "@/lib/money";

export interface Charge {
  amount: Decimal;
  dueAt: Date;
}

/** The instant cumulative spend first reached `limit` (never later than `now`), or null. */
export function crossingInstant(charges: Charge[], limit: Decimal.Value, now: Date): Date | null {
  let total = dec(0);
  for (const c of charges) {
    total = total.plus(c.amount);
    if (total.gte(limit)) return c.dueAt < now ? c.dueAt : now;
  }
  return null;
}
