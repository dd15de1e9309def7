import { apiRoute } from "@/lib/api/handler";
import { runLifecycleAction } from "@/lib/data/lifecycle";
import { actionBody, idempotencyKeyOf } from "@/lib/api/request";

// One order, charged or refunded once per Idempotency-Key (docs/api.md#idempotency).
export const POST = apiRoute<{ id: string }>(async (req, { caller, params }) => {
  const key = idempotencyKeyOf(req);
  return { data: await runLifecycleAction(caller, params.id, { ...(await actionBody(req)), action: "unsubscribe" }, key) };
});
