// Validated inputs of the lifecycle actions, shared by the API, the server
// actions and the quote. Coercing, so FormData and query strings parse too.
import { z } from "zod";
import { DURATIONS } from "@/lib/billing/rules/subscription";

const months = z.coerce
  .number({ error: "must be a number of months" })
  .int()
  .refine((m) => DURATIONS.includes(m), { message: `must be one of ${DURATIONS.join(", ")} months` });

/** Checkbox and JSON booleans: "on"/"true"/true → true; ""/"false"/false/absent → false. */
export const boolish = z.preprocess(
  (v) => (v === "on" || v === "true" ? true : v === "false" || v === "" || v === undefined || v === null ? false : v),
  z.boolean({ error: "must be true or false" }),
);

export const switchInput = z.object({
  action: z.literal("switch"),
  months,
  billingMethod: z.enum(["subscription", "payg"]).default("subscription"),
  autoRenew: boolish.default(false),
});
export const renewInput = z.object({ action: z.literal("renew"), months });
export const changeSpecInput = z.object({ action: z.literal("change-spec"), spec: z.string().trim().min(1, "choose a spec").max(80) });
export const unsubscribeInput = z.object({
  action: z.literal("unsubscribe"),
  instanceCount: z.coerce.number().int().positive().optional(),
});

export const lifecycleInput = z.discriminatedUnion("action", [switchInput, renewInput, changeSpecInput, unsubscribeInput]);
export type LifecycleInput = z.infer<typeof lifecycleInput>;

export const autoRenewInput = z.object({ enabled: boolish, months: months.default(1) });

/** Idempotency keys: what clients generate (UUIDs, ULIDs, form nonces). */
export const idempotencyKey = z
  .string({ error: "send an Idempotency-Key" })
  .trim()
  .min(8, "Idempotency-Key must be 8 to 200 characters")
  .max(200, "Idempotency-Key must be 8 to 200 characters")
  .regex(/^[A-Za-z0-9_.:-]+$/, "Idempotency-Key may use letters, digits and _ . : -");
