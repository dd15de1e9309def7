// 50 simultaneous identical renewals (one key) and 50 with different keys for
// one resource, through the route handler: exactly the orders and ledger
// entries a single-threaded run makes; balance = ledger sum, never negative.
// On PostgreSQL they really race (a pool of connections); on PGlite they queue.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.mock("next-auth", async (orig) => ({ ...(await orig<object>()), getServerSession: async () => null }));

import { and, asc, eq, sql } from "drizzle-orm";
import { POST as renewPOST } from "@/app/api/v1/instances/[id]/renew/route";
import { instances, ledgerEntries, orders } from "@/db/schema";
import { loadCatalog, readCatalogFile } from "@/lib/billing/catalog";
import { fixedClock, realClock, setSystemClock } from "@/lib/clock";
import { OPERATOR } from "@/lib/data/caller";
import { createAccount, createApiKey } from "@/lib/data/operator";
import { dec } from "@/lib/money";
import { uniq, useTestDatabase } from "./db";

const NOW = new Date("2026-11-10T09:00:00Z");
const N = 50;

describe("lifecycle concurrency", () => {
  const t = useTestDatabase();
  const db = () => t.handle().db;

  beforeAll(async () => {
    await loadCatalog(db(), await readCatalogFile());
    setSystemClock(fixedClock(NOW));
  });
  afterAll(() => setSystemClock(realClock));

  /** An account with 100.00 and a 1-instance cn acp.std.small subscription (13.87 a month). */
  async function setup() {
    const a = uniq("cc").toLowerCase().slice(0, 40);
    await createAccount(OPERATOR, { id: a, name: a });
    const key = (await createApiKey(OPERATOR, { accountId: a, name: "admin", role: "admin" })).key;
    await db().insert(ledgerEntries).values({ accountId: a, id: `led_${a}`, entryType: "top_up", amount: "100.00", currency: "USD", at: new Date("2026-10-01T00:00:00Z") });
    await db().insert(instances).values({
      accountId: a, id: "cp", productId: "cloud-phone", name: "cp", spec: "acp.std.small", regionId: "cn-hangzhou", instanceCount: 1, billingMethod: "subscription",
      createdAt: new Date("2026-10-10T09:00:00Z"), billingAnchorAt: new Date("2026-10-10T09:00:00Z"), statusSince: new Date("2026-10-10T09:00:00Z"), expiresAt: new Date("2026-11-20T09:00:00Z"),
    });
    return { a, key };
  }

  async function renew(key: string, idem: string) {
    const res = await renewPOST(
      new Request("http://localhost/api/v1/instances/cp/renew", { method: "POST", headers: { authorization: `Bearer ${key}`, "idempotency-key": idem, "content-type": "application/json" }, body: JSON.stringify({ months: 1 }) }),
      { params: Promise.resolve({ id: "cp" }) },
    );
    const body = (await res.json()) as { data?: { replayed: boolean; paid: boolean; order: { id: string } }; error?: { message: string } };
    return { status: res.status, ...body };
  }

  async function outcome(a: string) {
    const os = await db().select().from(orders).where(eq(orders.accountId, a)).orderBy(asc(orders.createdAt), asc(orders.termStart));
    const ledger = await db().select().from(ledgerEntries).where(eq(ledgerEntries.accountId, a));
    const [bal] = await db().select({ s: sql<string>`coalesce(sum(${ledgerEntries.amount}), 0)` }).from(ledgerEntries).where(eq(ledgerEntries.accountId, a));
    const [inst] = await db().select().from(instances).where(and(eq(instances.accountId, a), eq(instances.id, "cp")));
    return {
      orders: os.map((o) => [o.orderType, o.status, o.payableAmount, o.termStart?.toISOString(), o.termEnd?.toISOString()]),
      deductions: ledger.filter((l) => l.entryType === "deduction").map((l) => l.amount).sort(),
      ledgerEntries: ledger.length,
      balance: dec(bal.s).toFixed(2),
      ledgerSum: ledger.reduce((s, l) => s.plus(l.amount), dec(0)).toFixed(2),
      expiresAt: inst.expiresAt?.toISOString(),
    };
  }

  const tally = (rs: Awaited<ReturnType<typeof renew>>[]) => ({
    paid: rs.filter((r) => r.status === 200 && r.data!.paid && !r.data!.replayed).length,
    unpaid: rs.filter((r) => r.status === 200 && !r.data!.paid && !r.data!.replayed).length,
    replayed: rs.filter((r) => r.status === 200 && r.data!.replayed).length,
    refused: rs.filter((r) => r.status === 409).length,
    other: rs.filter((r) => r.status !== 200 && r.status !== 409).length,
  });

  it(`${N} simultaneous identical renewals (one key) make one order and one charge`, async () => {
    const serial = await setup();
    const serialResults = [];
    for (let i = 0; i < N; i++) serialResults.push(await renew(serial.key, "same-key-0001"));

    const racing = await setup();
    const results = await Promise.all(Array.from({ length: N }, () => renew(racing.key, "same-key-0001")));
    expect(tally(results)).toEqual({ paid: 1, unpaid: 0, replayed: N - 1, refused: 0, other: 0 });
    expect(tally(results)).toEqual(tally(serialResults));
    expect(new Set(results.map((r) => r.data!.order.id)).size).toBe(1);

    const got = await outcome(racing.a);
    expect(got).toEqual(await outcome(serial.a));
    expect(got.orders).toHaveLength(1);
    expect(got.deductions).toEqual(["-13.870000"]);
    expect(got.balance).toBe("86.13");
    expect(got.balance).toBe(got.ledgerSum);
  });

  it(`${N} simultaneous renewals with different keys: the orders and ledger a single-threaded run makes`, async () => {
    const serial = await setup();
    const serialResults = [];
    for (let i = 0; i < N; i++) serialResults.push(await renew(serial.key, `serial-key-${i}`));

    const racing = await setup();
    const results = await Promise.all(Array.from({ length: N }, (_, i) => renew(racing.key, `racing-key-${i}`)));
    // 100.00 pays 7 renewals of 13.87 (97.09); the 8th stays unpaid (2.91 left); the rest are refused for it.
    expect(tally(results)).toEqual({ paid: 7, unpaid: 1, replayed: 0, refused: N - 8, other: 0 });
    expect(tally(results)).toEqual(tally(serialResults));
    for (const r of results.filter((x) => x.status === 409)) expect(r.error!.message).toMatch(/unpaid order \d+: pay or cancel it first/);

    const got = await outcome(racing.a);
    expect(got).toEqual(await outcome(serial.a));
    expect(got.orders.filter((o) => o[1] === "paid")).toHaveLength(7);
    expect(got.deductions).toHaveLength(7);
    expect(got.balance).toBe("2.91");
    expect(got.balance).toBe(got.ledgerSum);
    expect(dec(got.balance).gte(0)).toBe(true);
    // Seven months chained on the old end date, none twice.
    expect(got.expiresAt).toBe("2027-06-20T09:00:00.000Z");
  });
});
