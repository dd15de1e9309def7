// A client for the public API that calls the route handlers in-process, as an
// API user would over HTTP: a path, a method, a Bearer key, a JSON body. Every
// response it sees is kept, so a test can walk them all (money formats).
type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- route modules differ in their params' types
type Module = Partial<Record<"GET" | "POST", (req: Request, ctx: { params: Promise<any> }) => Response | Promise<Response>>>;

const ROUTES: [string, () => Promise<Module>][] = [
  ["/api/v1/account", () => import("@/app/api/v1/account/route")],
  ["/api/v1/account/ledger", () => import("@/app/api/v1/account/ledger/route")],
  ["/api/v1/account/overdue", () => import("@/app/api/v1/account/overdue/route")],
  ["/api/v1/account/top-ups", () => import("@/app/api/v1/account/top-ups/route")],
  ["/api/v1/bill-lines", () => import("@/app/api/v1/bill-lines/route")],
  ["/api/v1/bills", () => import("@/app/api/v1/bills/route")],
  ["/api/v1/bills/:id", () => import("@/app/api/v1/bills/[id]/route")],
  ["/api/v1/catalog", () => import("@/app/api/v1/catalog/route")],
  ["/api/v1/instances", () => import("@/app/api/v1/instances/route")],
  ["/api/v1/instances/:id", () => import("@/app/api/v1/instances/[id]/route")],
  ["/api/v1/instances/:id/auto-renew", () => import("@/app/api/v1/instances/[id]/auto-renew/route")],
  ["/api/v1/instances/:id/change-spec", () => import("@/app/api/v1/instances/[id]/change-spec/route")],
  ["/api/v1/instances/:id/quote", () => import("@/app/api/v1/instances/[id]/quote/route")],
  ["/api/v1/instances/:id/release", () => import("@/app/api/v1/instances/[id]/release/route")],
  ["/api/v1/instances/:id/renew", () => import("@/app/api/v1/instances/[id]/renew/route")],
  ["/api/v1/instances/:id/tags", () => import("@/app/api/v1/instances/[id]/tags/route")],
  ["/api/v1/instances/:id/switch", () => import("@/app/api/v1/instances/[id]/switch/route")],
  ["/api/v1/instances/:id/unsubscribe", () => import("@/app/api/v1/instances/[id]/unsubscribe/route")],
  ["/api/v1/openapi.json", () => import("@/app/api/v1/openapi.json/route")],
  ["/api/v1/orders", () => import("@/app/api/v1/orders/route")],
  ["/api/v1/orders/:id/cancel", () => import("@/app/api/v1/orders/[id]/cancel/route")],
  ["/api/v1/orders/:id/pay", () => import("@/app/api/v1/orders/[id]/pay/route")],
  ["/api/v1/test-clock", () => import("@/app/api/v1/test-clock/route")],
  ["/api/v1/usage", () => import("@/app/api/v1/usage/route")],
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;
export interface ApiResponse {
  method: string;
  path: string;
  status: number;
  json: Json;
}

/** Every response any client saw in this test file. */
export const seen: ApiResponse[] = [];

function match(pathname: string): { load: () => Promise<Module>; params: Record<string, string> } {
  const parts = pathname.split("/");
  for (const [pattern, load] of ROUTES) {
    const want = pattern.split("/");
    if (want.length !== parts.length) continue;
    const params: Record<string, string> = {};
    if (want.every((w, i) => (w.startsWith(":") ? ((params[w.slice(1)] = decodeURIComponent(parts[i])), true) : w === parts[i]))) return { load, params };
  }
  throw new Error(`no route for ${pathname}`);
}

export function apiClient(key: string) {
  async function call(method: "GET" | "POST", path: string, body?: unknown, extra: Record<string, string> = {}): Promise<ApiResponse> {
    const url = new URL(path, "http://localhost");
    const { load, params } = match(url.pathname);
    const handler = (await load())[method] as Handler | undefined;
    if (!handler) throw new Error(`${method} ${url.pathname} is not routed`);
    const headers: Record<string, string> = { authorization: `Bearer ${key}`, ...extra };
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = await handler(new Request(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }), { params: Promise.resolve(params) });
    const text = await res.text();
    const json = res.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text;
    const out = { method, path, status: res.status, json };
    seen.push(out);
    return out;
  }
  return {
    get: (path: string) => call("GET", path),
    post: (path: string, body: unknown = {}) => call("POST", path, body),
    postWith: (path: string, body: unknown, headers: Record<string, string>) => call("POST", path, body, headers),
    /** Move this account's test clock (its jobs run up to the new instant). */
    clock: async (now: string) => {
      const r = await call("POST", "/api/v1/test-clock", { now });
      if (r.status !== 200) throw new Error(`test clock: ${r.status} ${JSON.stringify(r.json)}`);
      return r.json;
    },
  };
}
