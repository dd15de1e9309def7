// Flat rules: a unit price times the quantity (metered hours), or a zero line
// per day for free products so they show on the bill and can be hidden.
import { dec, ZERO } from "@/lib/money";
import { dayBounds, dayOf } from "../cycle";
import { defineRule, type LineDraft } from "./contract";

const DAY_MS = 86_400_000;

/** Usage in hours (or any unit) × the price in force at the start of the usage day. */
export const hourlyRule = defineRule({
  rule: "hourly",
  select: "daily-usage",
  rate(ctx, item, rows) {
    return {
      lines: rows.map((r) => {
        const price = ctx.price(r.inst, item, dayBounds(r.day, ctx.tz).start);
        return { inst: r.inst, day: r.day, billingMethod: "payg", quantity: r.quantity, unitPrice: price.unitPrice, amount: price.unitPrice.times(r.quantity), priceId: price.id };
      }),
    };
  },
});

/** A free instance: one zero line per day it exists. */
export const freeRule = defineRule({
  rule: "free",
  select: "instances",
  rate(ctx, item, instances) {
    const lines: LineDraft[] = [];
    for (const inst of instances) {
      if (inst.billingMethod !== "free") continue;
      const end = inst.releasedAt && inst.releasedAt < ctx.now ? inst.releasedAt : ctx.now;
      for (let t = dayBounds(dayOf(inst.createdAt, ctx.tz), ctx.tz).start.getTime(); t < end.getTime(); t += DAY_MS) {
        const day = dayOf(new Date(t + DAY_MS / 2), ctx.tz);
        lines.push({ inst, day, billingMethod: "free", quantity: dec(1), unitPrice: ZERO, amount: ZERO, priceId: null, usageUnit: "instance-day" });
      }
    }
    return { lines };
  },
});
