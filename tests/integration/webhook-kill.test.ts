// Killing the server between an event and its delivery: the real `npm start`,
// a receiver that never answers the first request, kill -9 while that request
// is in flight, a second start whose scheduler sends the same event again.
import http from "node:http";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EVENT_ID_HEADER } from "@/lib/webhooks/signing";
import { FIRST_START_MS, freePort, npmStart, opsCli, type Proc, READY, serverEnv, START_MS, stopAll } from "./server-process";

const dir = mkdtempSync(path.join(os.tmpdir(), "webhook-kill-"));
const dataDir = path.join(dir, "pglite");
const base = { BILLING_TEST_CLOCK: "1", WEBHOOKS_ALLOW_PRIVATE: "1" };
// First start: no scheduler, so the only delivery pass is the one the clock move runs.
const quiet = serverEnv(dataDir, { ...base, BILLING_JOBS_INTERVAL_SECONDS: "0" });
// Second start: the scheduler's pass every second.
const ticking = serverEnv(dataDir, { ...base, BILLING_JOBS_INTERVAL_SECONDS: "1" });
const DAY = 86_400_000;

/** Polls `read` until `ok` holds for its value, or fails with the last value at the deadline. */
async function until<T>(read: () => T | Promise<T>, ok: (v: T) => boolean, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`condition not met in ${ms} ms; last value: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe("a webhook event survives kill -9 of the server between the event and its delivery", () => {
  const started: Proc[] = [];
  const got: Array<{ eventId: string; body: string }> = [];
  let stalled = 0;
  // The first request is held open (never answered); every later one gets 200.
  const receiver = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const eventId = String(req.headers[EVENT_ID_HEADER]);
      if (stalled++ === 0) {
        got.push({ eventId: `stalled:${eventId}`, body });
        return;
      }
      got.push({ eventId, body });
      res.writeHead(200).end("ok");
    });
  });

  beforeAll(() => new Promise<void>((r) => receiver.listen(0, "127.0.0.1", () => r())));
  afterAll(async () => {
    await stopAll(started);
    receiver.closeAllConnections();
    await new Promise((r) => receiver.close(r));
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it("the stalled event is delivered with the same id after the restart", async () => {
    const port = await freePort();
    const first = npmStart(quiet, port, started);
    await first.waitFor(READY, FIRST_START_MS);
    const key = await opsCli(quiet, "create-api-key", "--account", "acme", "--name", "webhook-kill", "--role", "admin");
    expect(key.code).toBe(0);
    const auth = { authorization: `Bearer ${key.stdout.match(/^(bk_\S+)$/m)![1]}`, "content-type": "application/json" };
    const call = async (p: number, url: string, init: RequestInit = {}) => {
      const res = await fetch(`http://127.0.0.1:${p}${url}`, { ...init, headers: auth });
      expect(res.status, await res.clone().text()).toBeLessThan(300);
      return res.json();
    };
    const rx = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const { data: endpoint } = await call(port, "/api/v1/webhook-endpoints", { method: "POST", body: JSON.stringify({ url: rx, events: ["bill.closed"] }) });

    // Past the next month's end: the cycle closes and bill.closed is written with the run; the
    // move's own delivery pass then waits on the receiver, which holds the request open.
    const { now } = await call(port, "/api/v1/test-clock");
    const moved = fetch(`http://127.0.0.1:${port}/api/v1/test-clock`, { method: "POST", headers: auth, body: JSON.stringify({ now: new Date(Date.parse(now) + 40 * DAY).toISOString() }) }).catch(() => null);
    const [held] = await until(() => got, (g) => g.length > 0, START_MS);
    const eventId = held.eventId.replace(/^stalled:/, "");
    expect(eventId).toMatch(/^evt_/);

    const { pid } = JSON.parse(readFileSync(`${dataDir}.lock`, "utf8")) as { pid: number };
    process.kill(pid, "SIGKILL");
    expect((await first.exited).code).toBe(137);
    expect(await moved).toBeNull(); // the move never answered: the server died in its delivery pass
    expect(got).toHaveLength(1);

    // The second start's scheduler finds the delivery (once the dead pass's lease runs out) and sends it again.
    const port2 = await freePort();
    const second = npmStart(ticking, port2, started);
    await second.waitFor(READY, START_MS);
    await until(() => got.map((g) => g.eventId), (ids) => ids.includes(eventId), START_MS);
    const again = got.find((g) => g.eventId === eventId)!;
    expect(JSON.parse(again.body)).toMatchObject({ id: eventId, type: "bill.closed", accountId: "acme" });

    const { data: deliveries } = await call(port2, `/api/v1/webhook-endpoints/${endpoint.id}/deliveries`);
    const row = (deliveries as Array<{ eventId: string; status: string; attempts: number; log: Array<{ statusCode: number | null }> }>).find((d) => d.eventId === eventId)!;
    // The killed attempt was never recorded: the log holds only the attempt that succeeded.
    expect(row).toMatchObject({ status: "succeeded", attempts: 1, log: [{ statusCode: 200 }] });
  }, FIRST_START_MS + 3 * START_MS);
});
