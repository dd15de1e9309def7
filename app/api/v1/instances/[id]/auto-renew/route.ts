import { apiRoute } from "@/lib/api/handler";
import { setAutoRenew } from "@/lib/data/lifecycle";
import { actionBody, idempotencyKeyOf } from "@/lib/api/request";

// Auto-renewal on/off and its duration: { enabled, months }.
export const POST = apiRoute<{ id: string }>(async (req, { caller, params }) => {
  const key = idempotencyKeyOf(req);
  return { data: await setAutoRenew(caller, params.id, await actionBody(req), key) };
});
