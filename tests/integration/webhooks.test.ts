// Webhooks against a local receiver: signed bodies that verify, retries with
// the same event id, delivery after a "restart" (a fresh database handle),
// tenancy, and the private-address guard.
import { execFile } from "node:child_process";
import http from "node:http";
import { promisify } from "node:util";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.mock("next-auth", async (orig) => ({ ...(await orig<object>()), getServerSession: async () => null }));

import { and, eq } from "drizzle-orm";
import { migrateDatabase, openDatabase, setHandle } from "@/db/client";
import { accounts, webhookDeliveries } from "@/db/schema";
import { loadCatalog, readCatalogFile } from "@/lib/billing/catalog";
import { createWebhookEndpoint, listDeliveries, resendDelivery } from "@/lib/data/webhooks";
import { runLifecycleAction } from "@/lib/data/lifecycle";
import { topUp } from "@/lib/data/top-ups";
import { deliverPending, postWebhook } from "@/lib/webhooks/deliver";
import { emitEvent } from "@/lib/webhooks/outbox";
import { SIGNATURE_HEADER, verifySignature } from "@/lib/webhooks/signing";
import { uniq, useTestDatabase } from "./db";
import { fixtures, HOUR } from "./overdue-fixtures";

process.env.BILLING_TEST_CLOCK = "1";
process.env.WEBHOOKS_ALLOW_PRIVATE = "1";

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A receiver on 127.0.0.1 answering each request with the next scripted status (200 when the script runs out). */
function receiver() {
  const got: Received[] = [];
  const script: number[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      got.push({ path: req.url ?? "", headers: req.headers, body });
      res.writeHead(script.shift() ?? 200).end("ok");
    });
  });
  return {
    got,
    script,
    start: () => new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r())),
    url: (p: string) => `http://127.0.0.1:${(server.address() as AddressInfo).port}${p}`,
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const O = new Date("2026-03-01T06:00:00Z");

describe("webhooks", () => {
  const t = useTestDatabase();
  const f = fixtures(t);
  const rx = receiver();
  beforeAll(async () => {
    await loadCatalog(f.db(), await readCatalogFile());
    await rx.start();
  });
  afterAll(() => rx.stop());

  /** An account that goes overdue at O (a phone with no money), with an endpoint for `events`. */
  async function overdueAccount(events: string[], p: string) {
    const a = await f.account();
    await f.phone(a.id, new Date("2026-03-01T02:00:00Z"));
    const endpoint = await createWebhookEndpoint(a.caller, { url: rx.url(p), events });
    return { ...a, endpoint };
  }
  const at = (p: string) => rx.got.filter((g) => g.path === p);

  it("an event arrives signed over `${timestamp}.${body}`, and the signature verifies with the secret shown once", async () => {
    const a = await overdueAccount(["account.overdue", "resource.state_changed"], "/signed");
    expect(a.endpoint.secret).toMatch(/^whsec_/);
    await f.clock(a.caller, new Date(O.getTime() + HOUR)); // runs the jobs, then a delivery pass
    const got = at("/signed");
    const types = got.map((g) => JSON.parse(g.body).type).sort();
    expect(types).toEqual(["account.overdue", "resource.state_changed"]);
    for (const g of got) {
      const header = String(g.headers[SIGNATURE_HEADER]);
      expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      const now = Math.floor(Date.now() / 1000);
      expect(verifySignature(a.endpoint.secret, header, g.body, now)).toBe(true);
      expect(verifySignature(a.endpoint.secret, header, g.body.replace("}", ' }'), now)).toBe(false);
      expect(verifySignature("whsec_other", header, g.body, now)).toBe(false);
    }
    const overdue = JSON.parse(got.find((g) => JSON.parse(g.body).type === "account.overdue")!.body);
    expect(overdue).toMatchObject({ accountId: a.id, occurredAt: O.toISOString(), data: { overdueSince: O.toISOString() } });
    expect(got[0].headers["billing-event-id"]).toBe(JSON.parse(got[0].body).id);
  });

  it("a receiver failing twice then succeeding gets the event 3 times with the same id; the log shows each attempt", async () => {
    const a = await overdueAccount(["account.overdue"], "/flaky");
    rx.script.push(500, 503);
    await f.clock(a.caller, new Date(O.getTime() + HOUR)); // attempt 1 → 500
    const [d1] = (await listDeliveries(a.caller, a.endpoint.id)).data;
    expect(d1).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: 500 });
    // Backoff: not due again before 30 s.
    expect((await deliverPending(f.db(), { accountIds: [a.id] })).attempted).toBe(0);
    const later = (s: number) => () => new Date(Date.now() + s * 1000);
    await deliverPending(f.db(), { accountIds: [a.id], now: later(31) }); // attempt 2 → 503
    expect((await deliverPending(f.db(), { accountIds: [a.id], now: later(60) })).attempted).toBe(0); // next one 60 s after
    await deliverPending(f.db(), { accountIds: [a.id], now: later(92) }); // attempt 3 → 200
    const got = at("/flaky");
    expect(got).toHaveLength(3);
    expect(new Set(got.map((g) => JSON.parse(g.body).id)).size).toBe(1);
    expect(new Set(got.map((g) => g.headers["billing-event-id"])).size).toBe(1);
    const [d] = (await listDeliveries(a.caller, a.endpoint.id)).data;
    expect(d).toMatchObject({ status: "succeeded", attempts: 3, lastStatusCode: 200 });
    expect(d.log.map((l) => l.statusCode)).toEqual([500, 503, 200]);

    // Resend: the same event id again, as a new delivery in the log.
    const r = await resendDelivery(a.caller, a.endpoint.id, d.id);
    expect(r).toMatchObject({ eventId: d.eventId, status: "succeeded" });
    expect(at("/flaky")).toHaveLength(4);
    expect(JSON.parse(at("/flaky")[3].body).id).toBe(d.eventId);
    expect((await listDeliveries(a.caller, a.endpoint.id)).data).toHaveLength(2);
  });

  it("an endpoint that does not answer is tried once per pass, so it cannot hold up the others", async () => {
    const a = await f.account();
    const dead = http.createServer();
    await new Promise<void>((r) => dead.listen(0, "127.0.0.1", () => r()));
    const deadUrl = `http://127.0.0.1:${(dead.address() as AddressInfo).port}/gone`;
    await new Promise<void>((r) => dead.close(() => r())); // nothing listens there now
    await createWebhookEndpoint(a.caller, { url: deadUrl, events: ["bill.closed"] });
    await createWebhookEndpoint(a.caller, { url: rx.url("/alive"), events: ["bill.closed"] });
    for (const n of [1, 2, 3]) await emitEvent(f.db(), a.id, "bill.closed", { n }, new Date("2026-04-01T00:00:00Z"));
    const r = await deliverPending(f.db(), { accountIds: [a.id] });
    expect(r).toEqual({ attempted: 4, succeeded: 3, failed: 1 });
    expect(at("/alive")).toHaveLength(3);
  });

  it("a delivery failing for 24 h gives up", async () => {
    const a = await overdueAccount(["account.overdue"], "/down");
    rx.script.push(...Array(40).fill(500));
    await f.clock(a.caller, new Date(O.getTime() + HOUR));
    for (let h = 1; h <= 25; h++) await deliverPending(f.db(), { accountIds: [a.id], now: () => new Date(Date.now() + h * HOUR) });
    const [d] = (await listDeliveries(a.caller, a.endpoint.id)).data;
    expect(d.status).toBe("failed");
    expect(d.nextAttemptAt).toBeNull();
    rx.script.length = 0;
  });

  it("an event written but not delivered (the process died) is delivered by another process after the restart", async () => {
    const dir = process.env.DATABASE_URL ? null : mkdtempSync(path.join(os.tmpdir(), "wh-restart-"));
    const open = () => openDatabase({ url: process.env.DATABASE_URL || undefined, dataDir: dir ?? undefined });
    const first = await open();
    await migrateDatabase(first);
    const id = uniq("wh-restart");
    await first.db.insert(accounts).values({ id, name: id });
    const caller = { kind: "user" as const, accountId: id, userId: "u", role: "admin" as const, email: "a@x.test", name: "A" };
    // The endpoint, then an event in its own transaction, as a job would write it — and no delivery pass.
    setHandle(first);
    let eventId: string | null = null;
    let secret = "";
    try {
      secret = (await createWebhookEndpoint(caller, { url: rx.url("/restart"), events: ["bill.closed"] })).secret;
      eventId = await first.db.transaction((tx) => emitEvent(tx, id, "bill.closed", { billId: "b1" }, new Date("2026-04-01T00:00:00Z")));
    } finally {
      setHandle(t.handle());
      await first.close(); // "killed": nothing was sent
    }
    expect(eventId).toMatch(/^evt_/);
    expect(at("/restart")).toHaveLength(0);

    // A new process on the same database (the operator CLI; the server's scheduler tick runs the same pass).
    const env = { ...process.env, WEBHOOKS_ALLOW_PRIVATE: "1", ...(dir ? { PGLITE_DIR: dir } : {}) };
    const { stdout } = await promisify(execFile)("npx", ["tsx", "--conditions=react-server", "scripts/ops.ts", "deliver-webhooks", "--account", id], { env, cwd: process.cwd() });
    expect(stdout).toContain("1 attempted, 1 delivered");
    const got = at("/restart");
    expect(got).toHaveLength(1);
    expect(JSON.parse(got[0].body)).toMatchObject({ id: eventId, type: "bill.closed", data: { billId: "b1" } });
    expect(verifySignature(secret, String(got[0].headers[SIGNATURE_HEADER]), got[0].body, Math.floor(Date.now() / 1000))).toBe(true);

    const second = await open();
    try {
      const [row] = await second.db.select().from(webhookDeliveries).where(and(eq(webhookDeliveries.accountId, id), eq(webhookDeliveries.eventId, eventId!)));
      expect(row).toMatchObject({ status: "succeeded", attempts: 1, lastStatusCode: 200 });
    } finally {
      await second.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  });

  it("nothing is sent for another account's events", async () => {
    const a = await overdueAccount(["account.overdue"], "/tenant-a");
    const b = await f.account();
    await createWebhookEndpoint(b.caller, { url: rx.url("/tenant-b"), events: ["account.overdue"] });
    await f.clock(a.caller, new Date(O.getTime() + HOUR));
    await deliverPending(f.db());
    expect(at("/tenant-a")).toHaveLength(1);
    expect(at("/tenant-b")).toHaveLength(0);
    expect(JSON.parse(at("/tenant-a")[0].body).accountId).toBe(a.id);
  });

  it("an endpoint gets only the events it subscribed to; viewers cannot create endpoints", async () => {
    const a = await overdueAccount(["bill.closed"], "/only-bills");
    await f.clock(a.caller, new Date(O.getTime() + HOUR));
    expect(at("/only-bills")).toHaveLength(0);
    await expect(createWebhookEndpoint({ ...a.caller, role: "viewer" }, { url: rx.url("/x"), events: ["bill.closed"] })).rejects.toMatchObject({ status: 403 });
    await expect(createWebhookEndpoint(a.caller, { url: rx.url("/x"), events: ["no.such"] })).rejects.toMatchObject({ status: 400 });
  });

  it("order.paid, refund.created, bill.closed, account.overdue_cleared and resource.state_changed come from the money and lifecycle paths", async () => {
    const a = await f.account({ balance: "1000" });
    await f.phone(a.id, new Date("2026-03-01T00:00:00Z"));
    await createWebhookEndpoint(a.caller, { url: rx.url("/all"), events: ["order.paid", "refund.created", "bill.closed", "resource.state_changed"] });
    await f.clock(a.caller, new Date("2026-03-05T00:00:00Z"));
    await runLifecycleAction(a.caller, "cp", { action: "switch", months: 1 }, "wh-switch-0001");
    await f.clock(a.caller, new Date("2026-03-10T00:00:00Z"));
    await runLifecycleAction(a.caller, "cp", { action: "unsubscribe" }, "wh-unsub-0001");
    await f.clock(a.caller, new Date("2026-04-01T01:00:00Z"));
    const bodies = at("/all").map((g) => JSON.parse(g.body) as { type: string; data: Record<string, unknown> });
    const paid = bodies.find((b) => b.type === "order.paid")!;
    expect(paid.data).toMatchObject({ instanceId: "cp", orderType: "conversion", amount: expect.stringMatching(/^\d+\.\d{2}$/) });
    const refund = bodies.find((b) => b.type === "refund.created")!;
    expect(refund.data.amount).toMatch(/^-\d+\.\d{2}$/);
    expect(bodies.filter((b) => b.type === "resource.state_changed").map((b) => b.data.toStatus)).toContain("released");
    expect(bodies.filter((b) => b.type === "bill.closed").map((b) => b.data.billingCycle)).toContain("2026-03");

    // Overdue, then a top-up clears it.
    const o = await overdueAccount(["account.overdue", "account.overdue_cleared"], "/cleared");
    await f.clock(o.caller, new Date(O.getTime() + HOUR));
    await topUp(o.caller, { amount: "100.00", idempotencyKey: "wh-topup-0001" });
    await deliverPending(f.db(), { accountIds: [o.id] });
    expect(at("/cleared").map((g) => JSON.parse(g.body).type)).toEqual(["account.overdue", "account.overdue_cleared"]);
  });

  describe("without WEBHOOKS_ALLOW_PRIVATE", () => {
    beforeAll(() => {
      delete process.env.WEBHOOKS_ALLOW_PRIVATE;
    });
    afterAll(() => {
      process.env.WEBHOOKS_ALLOW_PRIVATE = "1";
    });
    it("refuses non-http(s) URLs and private, loopback and link-local targets, by literal or by name", async () => {
      const a = await f.account();
      for (const url of ["ftp://example.com/x", "http://127.0.0.1/x", "http://localhost:8080/x", "http://10.1.2.3/", "http://169.254.169.254/latest", "http://[::1]/", "http://[::ffff:127.0.0.1]/", "not a url", "http://user:pw@example.com/"]) {
        await expect(createWebhookEndpoint(a.caller, { url, events: ["bill.closed"] }), url).rejects.toMatchObject({ status: 400 });
      }
      // At delivery too: a target that is (or became) internal is refused without a request.
      const before = rx.got.length;
      expect(await postWebhook(rx.url("/guarded"), {}, "{}")).toMatchObject({ statusCode: null, error: expect.stringMatching(/private/) });
      expect(await postWebhook(rx.url("/guarded").replace("127.0.0.1", "localhost"), {}, "{}")).toMatchObject({ statusCode: null, error: expect.stringMatching(/private/) });
      expect(rx.got.length).toBe(before);
    });
  });
});
