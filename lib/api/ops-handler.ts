// One wrapper for every /api/ops/v1 route handler: resolve the operator key
// (lib/data decides who may call: account keys and console sessions get 403),
// run, and map typed errors to statuses exactly like /api/v1.
import { BadRequestError } from "@/lib/errors";
import { findBadText } from "@/lib/text";
import type { Caller } from "@/lib/data/caller";
import { operatorKeyCaller } from "@/lib/data/operator-keys";
import { sessionCaller } from "@/lib/data/session";
import { errorResponse, noStore, readJson } from "./handler";

export interface OpsContext<P> {
  caller: Caller;
  params: P;
  url: URL;
}

export function opsRoute<P = Record<string, string>>(handler: (req: Request, ctx: OpsContext<P>) => Promise<Response | unknown>) {
  return async (req: Request, route: { params: Promise<P> }): Promise<Response> => {
    try {
      const authorization = req.headers.get("authorization");
      const session = authorization ? null : await sessionCaller().catch(() => null);
      const caller = await operatorKeyCaller(authorization, session);
      const params = await route.params;
      const url = new URL(req.url);
      const bad = findBadText(params) ?? findBadText(url.searchParams);
      if (bad) throw new BadRequestError(`${bad.path}: ${bad.message}`, { issues: [bad] });
      const result = await handler(req, { caller, params, url });
      return noStore(result instanceof Response ? result : Response.json(result));
    } catch (e) {
      return noStore(errorResponse(e));
    }
  };
}

/** The body of an operator write: a JSON object (an empty body reads as {}). */
export async function opsBody(req: Request): Promise<Record<string, unknown>> {
  const text = await req.clone().text();
  if (!text.trim()) return {};
  const body = await readJson(req);
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new BadRequestError("The body must be a JSON object.");
  return body as Record<string, unknown>;
}
