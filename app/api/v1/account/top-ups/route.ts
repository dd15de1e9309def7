import { apiRoute, readJson } from "@/lib/api/handler";
import { BadRequestError } from "@/lib/errors";
import { topUp } from "@/lib/data/top-ups";

// The Idempotency-Key header is required: a retry with the same key returns the first result.
export const POST = apiRoute(async (req, { caller }) => {
  const key = req.headers.get("idempotency-key");
  if (!key) throw new BadRequestError("Send an Idempotency-Key header so a retried top-up is applied once.");
  const body = await readJson(req);
  const amount = typeof body === "object" && body !== null ? (body as Record<string, unknown>).amount : undefined;
  const r = await topUp(caller, { amount: amount as string, idempotencyKey: key });
  return Response.json(r, { status: r.replayed ? 200 : 201 });
});
