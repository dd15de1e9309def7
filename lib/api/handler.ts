// One wrapper for every /api/v1 route handler: authenticate the API key (or
// the session), run, and map typed errors to HTTP statuses with a JSON body
// { error: { code, message, details? } }. Authorization itself stays in lib/data.
import { AppError, TooManyRequestsError } from "@/lib/errors";
import { apiKeyCaller, type TenantCaller } from "@/lib/data/caller";
import { sessionCaller } from "@/lib/data/session";

export interface ApiContext<P> {
  caller: TenantCaller;
  params: P;
  url: URL;
}

type Handler<P> = (req: Request, ctx: ApiContext<P>) => Promise<Response | unknown>;

export function apiRoute<P = Record<string, string>>(handler: Handler<P>) {
  return async (req: Request, route: { params: Promise<P> }): Promise<Response> => {
    try {
      // API clients send a key; the console's own fetches may use the session.
      const authorization = req.headers.get("authorization");
      const caller = authorization
        ? await apiKeyCaller(authorization)
        : ((await sessionCaller().catch(() => null)) ?? (await apiKeyCaller(null)));
      const result = await handler(req, { caller, params: await route.params, url: new URL(req.url) });
      return result instanceof Response ? result : Response.json(result);
    } catch (e) {
      return errorResponse(e);
    }
  };
}

export function errorResponse(e: unknown): Response {
  if (e instanceof AppError) {
    const headers: Record<string, string> = {};
    if (e instanceof TooManyRequestsError) headers["retry-after"] = String(e.retryAfterSeconds);
    return Response.json({ error: { code: e.code, message: e.message, details: e.details } }, { status: e.status, headers });
  }
  console.error(e);
  return Response.json({ error: { code: "internal", message: "Something went wrong on our side." } }, { status: 500 });
}

/** Parse a JSON body; malformed JSON is a 400, not a 500. */
export async function readJson(req: Request, maxBytes = 20 * 1024 * 1024): Promise<unknown> {
  const text = await req.text();
  if (text.length > maxBytes) throw new AppError(`Body larger than ${maxBytes} bytes.`, 413, "payload_too_large");
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("The body is not valid JSON.", 400, "bad_request");
  }
}
