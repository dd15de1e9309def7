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

describe("postWebhook", () => {
  it("does not follow redirects and gives up on a receiver that does not answer in time", async () => {
    const http = await import("node:http");
    const { postWebhook } = await import("./deliver");
    const hits: string[] = [];
    const server = http.createServer((req, res) => {
      hits.push(req.url ?? "");
      if (req.url === "/redirect") res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data" }).end();
      else if (req.url === "/drip") {
        // A byte every 100 ms: never idle long enough for the socket timeout, never done.
        res.writeHead(200);
        const t = setInterval(() => res.write("."), 100);
        res.on("close", () => clearInterval(t));
      }
      // "/silent": never answers
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const port = (server.address() as import("node:net").AddressInfo).port;
    process.env.WEBHOOKS_ALLOW_PRIVATE = "1";
    try {
      expect(await postWebhook(`http://127.0.0.1:${port}/redirect`, {}, "{}")).toEqual({ statusCode: 302, error: "redirect not followed" });
      expect(await postWebhook(`http://127.0.0.1:${port}/silent`, {}, "{}", 300)).toMatchObject({ statusCode: null, error: expect.stringMatching(/timed out/) });
      expect(await postWebhook(`http://127.0.0.1:${port}/drip`, {}, "{}", 300)).toMatchObject({ error: expect.stringMatching(/interrupted|timed out/) });
      expect(hits).toEqual(["/redirect", "/silent", "/drip"]);
    } finally {
      delete process.env.WEBHOOKS_ALLOW_PRIVATE;
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
