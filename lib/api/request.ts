// Shared by the lifecycle route handlers: the body (optional when empty) and
// the Idempotency-Key header every POST must carry.
import { readJson } from "./handler";
import { BadRequestError } from "@/lib/errors";

export async function actionBody(req: Request): Promise<Record<string, unknown>> {
  const text = await req.clone().text();
  if (!text.trim()) return {};
  const body = await readJson(req);
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new BadRequestError("The body must be a JSON object.");
  return body as Record<string, unknown>;
}

export function idempotencyKeyOf(req: Request): string {
  const key = req.headers.get("idempotency-key");
  if (!key) throw new BadRequestError("Send an Idempotency-Key header (e.g. a UUID) so that a retry never charges twice.");
  return key;
}
