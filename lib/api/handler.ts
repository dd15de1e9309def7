// One wrapper for every /api/v1 route handler: authenticate the API key (or
// the session), run, and map typed errors to HTTP statuses with a JSON body
// { error: { code, message, details? } }. Authorization itself stays in lib/data.
import { AppError, BadRequestError, ForbiddenError, TooManyRequestsError } from "@/lib/errors";
import { findBadText } from "@/lib/text";
import { apiKeyCaller, type TenantCaller } from "@/lib/data/caller";
import { sessionCaller } from "@/lib/data/session";

export interface ApiContext<P, C = TenantCaller> {
  caller: C;
  params: P;
  url: URL;
}

type Handler<P, C = TenantCaller> = (req: Request, ctx: ApiContext<P, C>) => Promise<Response | unknown>;

/**
 * The shape every API route shares, whoever may call it: find the caller,
 * refuse ids and query parameters that are not storable text, run, and answer
 * JSON (or the handler's Response) with typed errors mapped to statuses.
 */
export function routeWith<C>(authenticate: (req: Request) => Promise<C>) {
  return <P = Record<string, string>>(handler: Handler<P, C>) =>
    async (req: Request, route: { params: Promise<P> }): Promise<Response> => {
      try {
        const caller = await authenticate(req);
        const params = await route.params;
        const url = new URL(req.url);
        // Every id and query parameter, read or not, must be storable text.
        const bad = findBadText(params) ?? findBadText(url.searchParams);
        if (bad) throw new BadRequestError(`${bad.path}: ${bad.message}`, { issues: [bad] });
        const result = await handler(req, { caller, params, url });
        return noStore(result instanceof Response ? result : Response.json(result));
      } catch (e) {
        return noStore(errorResponse(e));
      }
    };
}

/** API clients send a key; the console's own fetches may use the session (same-site writes only). */
async function tenantCaller(req: Request): Promise<TenantCaller> {
  const authorization = req.headers.get("authorization");
  if (authorization) return apiKeyCaller(authorization);
  const session = await sessionCaller().catch(() => null);
  if (session) assertSameSiteWrite(req);
  return session ?? (await apiKeyCaller(null));
}

export const apiRoute = routeWith(tenantCaller);

/** API answers are per caller and often money: no cache keeps a copy, and none is sniffed. */
export function noStore(res: Response): Response {
  res.headers.set("cache-control", "no-store");
  res.headers.set("x-content-type-options", "nosniff");
  return res;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * CSRF: the browser sends the session cookie with any same-site request, even
 * a plain form from another port or subdomain. So a write made with the
 * cookie must name this site in Origin and be JSON (which a cross-origin page
 * cannot send without a preflight this API never grants). Key-authenticated
 * calls are not affected: no browser attaches a key on its own.
 */
export function assertSameSiteWrite(req: Request): void {
  if (SAFE_METHODS.has(req.method)) return;
  const hosts = [req.headers.get("x-forwarded-host")?.split(",")[0].trim(), req.headers.get("host")].filter(Boolean);
  let origin: string | null = null;
  try {
    origin = new URL(req.headers.get("origin") ?? "").host;
  } catch {
    origin = null;
  }
  if (!origin || !hosts.includes(origin)) {
    throw new ForbiddenError("A change made with the console's session must come from the console itself (Origin header). API clients send 'Authorization: Bearer <key>'.");
  }
  const type = req.headers.get("content-type")?.split(";")[0].trim().toLowerCase();
  if (type !== "application/json") {
    throw new AppError("A change made with the console's session must be sent as Content-Type: application/json.", 415, "unsupported_media_type");
  }
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
