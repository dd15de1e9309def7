import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { proxy } from "@/proxy";
import { pageCsp, SECURITY_HEADERS } from "./security-headers";

const page = (path: string, cookie?: string) =>
  new NextRequest(`http://localhost:3000${path}`, { headers: cookie ? { cookie } : {} });

describe("page security headers", () => {
  it("each page response gets a CSP with a fresh nonce, also handed to the renderer", () => {
    const a = proxy(page("/overview", "next-auth.session-token=x"));
    const b = proxy(page("/signin"));
    const csp = a.headers.get("content-security-policy")!;
    const nonce = /'nonce-([^']+)'/.exec(csp)![1];
    expect(csp).toBe(pageCsp(nonce));
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);
    expect(a.headers.get("x-middleware-request-x-nonce")).toBe(nonce);
    expect(b.headers.get("content-security-policy")).not.toBe(csp);
  });

  it("visitors without a session are sent to sign-in with the page to come back to", () => {
    const res = proxy(page("/bill-details?tab=usage"));
    expect(res.status).toBe(307);
    expect(new URL(res.headers.get("location")!).searchParams.get("callbackUrl")).toBe("/bill-details?tab=usage");
  });

  it("every response forbids framing and sniffing and keeps referrers and device APIs in", () => {
    const h = Object.fromEntries(SECURITY_HEADERS.map((x) => [x.key.toLowerCase(), x.value]));
    expect(h["x-frame-options"]).toBe("DENY");
    expect(h["x-content-type-options"]).toBe("nosniff");
    expect(h["referrer-policy"]).toBe("same-origin");
    expect(h["permissions-policy"]).toMatch(/camera=\(\).*microphone=\(\).*geolocation=\(\)/);
  });
});
