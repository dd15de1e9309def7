import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { createHmac } from "node:crypto";
import { isPrivateAddress, parseWebhookUrl } from "./address";
import { nextAttemptAt, RETRY_WINDOW_MS } from "./backoff";
import { sign, signatureHeader, verifySignature } from "./signing";

describe("signing", () => {
  it("is HMAC-SHA256 over `${timestamp}.${body}` (what docs/webhooks.md tells receivers)", () => {
    const body = '{"id":"evt_1"}';
    expect(sign("whsec_x", 1700000000, body)).toBe(createHmac("sha256", "whsec_x").update(`1700000000.${body}`).digest("hex"));
    expect(signatureHeader("whsec_x", 1700000000, body)).toBe(`t=1700000000,v1=${sign("whsec_x", 1700000000, body)}`);
  });
  it("verifies its own signatures, and rejects other bodies, secrets, and old timestamps", () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 1 }), fc.integer({ min: 1, max: 2_000_000_000 }), (body, secret, t) => {
        const h = signatureHeader(secret, t, body);
        expect(verifySignature(secret, h, body, t)).toBe(true);
        expect(verifySignature(secret, h, body + " ", t)).toBe(false);
        expect(verifySignature(secret + "x", h, body, t)).toBe(false);
        expect(verifySignature(secret, h, body, t + 301)).toBe(false);
      }),
    );
  });
});

describe("address guard", () => {
  it("private, loopback, link-local, CGNAT, multicast and mapped addresses are private; public ones are not", () => {
    for (const a of ["127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "::1", "::", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "nonsense"]) {
      expect(isPrivateAddress(a), a).toBe(true);
    }
    for (const a of ["8.8.8.8", "1.1.1.1", "172.32.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"]) expect(isPrivateAddress(a), a).toBe(false);
  });
  it("only absolute http(s) URLs without credentials", () => {
    expect(parseWebhookUrl("https://example.com/x").hostname).toBe("example.com");
    for (const u of ["ftp://example.com", "file:///etc/passwd", "javascript:alert(1)", "/relative", "https://u:p@example.com"]) {
      expect(() => parseWebhookUrl(u), u).toThrow();
    }
  });
});

describe("backoff", () => {
  it("30 s, doubling, capped at 2 h; gives up once 24 h have passed since the delivery was created", () => {
    const created = new Date("2026-01-01T00:00:00Z");
    const gaps = [1, 2, 3, 4, 10].map((n) => (nextAttemptAt(n, created, created)!.getTime() - created.getTime()) / 1000);
    expect(gaps).toEqual([30, 60, 120, 240, 7200]);
    const late = new Date(created.getTime() + RETRY_WINDOW_MS - 1000);
    expect(nextAttemptAt(12, created, late)).toBeNull();
  });
  it("every retry is scheduled inside the 24 h window", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 0, max: RETRY_WINDOW_MS }), (n, elapsed) => {
        const created = new Date(0);
        const next = nextAttemptAt(n, created, new Date(elapsed));
        if (next) expect(next.getTime()).toBeLessThanOrEqual(RETRY_WINDOW_MS);
      }),
    );
  });
});
