// One wrapper for every /api/ops/v1 route handler: resolve the operator key
// (lib/data decides who may call: account keys and console sessions get 403),
// run, and map typed errors to statuses exactly like /api/v1.
import { BadRequestError } from "@/lib/errors";
import type { Caller } from "@/lib/data/caller";
import { operatorKeyCaller } from "@/lib/data/operator-keys";
import { sessionCaller } from "@/lib/data/session";
import { readJson, routeWith, type ApiContext } from "./handler";

export type OpsContext<P> = ApiContext<P, Caller>;

/** Operator keys only; a console session is recognised so that it gets a 403, not a 401. */
export const opsRoute = routeWith(async (req): Promise<Caller> => {
  const authorization = req.headers.get("authorization");
  const session = authorization ? null : await sessionCaller().catch(() => null);
  return operatorKeyCaller(authorization, session);
});

/** The body of an operator write: a JSON object (an empty body reads as {}). */
export async function opsBody(req: Request): Promise<Record<string, unknown>> {
  const text = await req.clone().text();
  if (!text.trim()) return {};
  const body = await readJson(req);
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new BadRequestError("The body must be a JSON object.");
  return body as Record<string, unknown>;
}
