// Cloud Phone pay-as-you-go periods through the public API and the test clock:
// each 4-hour period is its own charge, rounded once and settled at the instant
// it falls due, so an account that cannot pay is overdue at the first uncovered
// period's end; the periods behind a day line add up to it; re-rating changes
// nothing; and the scheduler settles a due period within one tick.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { accounts } from "@/db/schema";
import { loadCatalog, readCatalogFile } from "@/lib/billing/catalog";
import { OPERATOR } from "@/lib/data/caller";
import { createAccount, createApiKey } from "@/lib/data/operator";
import { topUp } from "@/lib/data/top-ups";
import { dec, sum } from "@/lib/money";
import { startJobScheduler } from "@/lib/ops/scheduler";
import { apiClient, type Json } from "./api-client";
import { uniq, useTestDatabase } from "./db";

process.env.BILLING_TEST_CLOCK = "1";

describe("Cloud Phone periods settle when due", () => {
  const t = useTestDatabase();
  beforeAll(async () => {
    await loadCatalog(t.handle().db, await readCatalogFile());
  });
  afterAll(() => {
    delete process.env.BILLING_TEST_CLOCK;
  });

  async function newAccount(balance?: string) {
    const id = uniq("cpp");
    await createAccount(OPERATOR, { id, name: id });
    if (balance) await topUp(OPERATOR, { amount: balance }, id);
    const api = apiClient((await createApiKey(OPERATOR, { accountId: id, name: "k", role: "admin" })).key);
    return { id, api };
  }
  const phone = (over: Record<string, unknown> = {}) => ({ id: "cp", productId: "cloud-phone", spec: "acp.std.large", regionId: "cn-hangzhou", billingMethod: "payg", name: "phone", ...over });

  it("no balance, no credit: overdue at 04:00, the first period's end, with 0.32 uncovered — not at midnight", async () => {
    const { api } = await newAccount();
    await api.clock("2026-05-01T00:00:00Z");
    expect((await api.post("/api/v1/instances", phone())).status).toBe(201);
    await api.clock("2026-05-01T03:59:59Z");
    expect((await api.get("/api/v1/account/overdue")).json.overdue).toBeNull();
    // One jump well past the due instant: the instant recorded is still the period's end.
    await api.clock("2026-05-01T12:00:00Z");
    const overdue = (await api.get("/api/v1/account/overdue")).json;
    // 4 h × 0.0808 = 0.3232 → 0.32.
    expect(overdue.overdue).toEqual({ since: "2026-05-01T04:00:00.000Z", amount: "0.32" });
    const inst = (await api.get("/api/v1/instances/cp")).json.data;
    expect(inst).toMatchObject({ status: "overdue", statusSince: "2026-05-01T04:00:00.000Z" });
    // Billing stopped there: one line, one period.
    const lines = (await api.get("/api/v1/bill-lines?billingCycle=2026-05")).json.data as Json[];
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ billingDate: "2026-05-01", pretaxAmount: "0.32", outstandingAmount: "0.32" });
    expect(lines[0].periods).toEqual([
      expect.objectContaining({ start: "2026-05-01T00:00:00.000Z", end: "2026-05-01T04:00:00.000Z", dueAt: "2026-05-01T04:00:00.000Z", chargedSeconds: 14400, instances: 1, unitPrice: "0.080800", amount: "0.32", paymentAmount: "0.00", outstandingAmount: "0.32", settledAt: "2026-05-01T04:00:00.000Z" }),
    ]);
  });

  it("the overdue instant is the first uncovered period's due instant when the balance runs out mid-day", async () => {
    // 1.00 pays three periods of 0.32 (0.96); the fourth (due 16:00) leaves 0.28 uncovered.
    const { api } = await newAccount("1.00");
    await api.clock("2026-05-01T00:00:00Z");
    await api.post("/api/v1/instances", phone());
    await api.clock("2026-05-02T00:00:00Z");
    expect((await api.get("/api/v1/account/overdue")).json.overdue).toEqual({ since: "2026-05-01T16:00:00.000Z", amount: "0.28" });
    const [line] = (await api.get("/api/v1/bill-lines?billingCycle=2026-05")).json.data as Json[];
    expect(line.periods.map((p: Json) => [p.dueAt.slice(11, 16), p.amount, p.paymentAmount, p.outstandingAmount])).toEqual([
      ["04:00", "0.32", "0.32", "0.00"],
      ["08:00", "0.32", "0.32", "0.00"],
      ["12:00", "0.32", "0.32", "0.00"],
      ["16:00", "0.32", "0.04", "0.28"],
    ]);
    expect([line.pretaxAmount, line.paymentAmount, line.outstandingAmount]).toEqual(["1.28", "1.00", "0.28"]);
  });

  it("periods behind each day line add up to it: 0.0945 × 48 h is 12 periods of 0.38 = 4.56, not 4.536", async () => {
    const { api } = await newAccount("100.00");
    await api.clock("2026-05-01T00:00:00Z");
    await api.post("/api/v1/instances", phone({ spec: "acp.std.medium", regionId: "ap-southeast-1" }));
    await api.clock("2026-05-03T00:00:00Z");
    const lines = (await api.get("/api/v1/bill-lines?billingCycle=2026-05")).json.data as Json[];
    // A period's day is the day it falls due: the one ending at midnight belongs to the new day.
    expect(lines.map((l) => [l.billingDate, l.periods.length, l.pretaxAmount])).toEqual([
      ["2026-05-01", 5, "1.90"],
      ["2026-05-02", 6, "2.28"],
      ["2026-05-03", 1, "0.38"],
    ]);
    for (const l of lines) {
      expect(sum(l.periods.map((p: Json) => p.amount)).toFixed(2)).toBe(l.pretaxAmount);
      expect(sum(l.periods.map((p: Json) => p.paymentAmount)).toFixed(2)).toBe(l.paymentAmount);
      for (const p of l.periods) expect([p.unitPrice, p.chargedSeconds, p.amount]).toEqual(["0.094500", 14400, "0.38"]);
      // usage is instance-hours: 4 h per period here.
      expect(dec(l.usage).toFixed(0)).toBe(String(4 * l.periods.length));
    }
    expect(sum(lines.map((l) => l.pretaxAmount)).toFixed(2)).toBe("4.56");
    // Each period was deducted on its own, at its own due instant.
    const ledger = (await api.get("/api/v1/account/ledger")).json.data as Json[];
    const deductions = ledger.filter((e) => e.type === "deduction");
    expect(deductions).toHaveLength(12);
    expect(deductions.every((e) => e.amount === "-0.38" && e.at.endsWith(":00:00.000Z"))).toBe(true);
    expect((await api.get("/api/v1/account")).json.balance).toBe("95.44");

    // Re-rating at the same instant changes nothing, periods included.
    const before = (await api.get("/api/v1/bill-lines?billingCycle=2026-05")).json;
    await api.clock("2026-05-03T00:00:00Z");
    expect((await api.get("/api/v1/bill-lines?billingCycle=2026-05")).json).toEqual(before);
  });

  it("the scheduler settles a period due at 04:00 within one tick, without waiting for the day's end", async () => {
    const { id, api } = await newAccount();
    await api.clock("2026-05-01T00:00:00Z");
    await api.post("/api/v1/instances", phone());
    await api.clock("2026-05-01T03:59:00Z");
    // The clock passes 04:00 without any job run; only the scheduler runs them.
    await t.handle().db.update(accounts).set({ testClockNow: new Date("2026-05-01T04:00:30Z") }).where(eq(accounts.id, id));
    expect((await api.get("/api/v1/account/overdue")).json.overdue).toBeNull();
    const tickMs = 300;
    const stop = startJobScheduler({ intervalSeconds: tickMs / 1000, log: () => {}, accountIds: [id] });
    try {
      const started = Date.now();
      let overdue: Json = null;
      while (!overdue && Date.now() - started < 20 * tickMs) {
        await new Promise((r) => setTimeout(r, tickMs / 3));
        overdue = (await api.get("/api/v1/account/overdue")).json.overdue;
      }
      expect(overdue).toEqual({ since: "2026-05-01T04:00:00.000Z", amount: "0.32" });
    } finally {
      stop();
    }
  });
});
