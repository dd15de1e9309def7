// Top-ups (docs/billing-rules.md#overdue) through the data layer and POST
// /api/v1/account/top-ups: outstanding amounts are paid oldest first across
// bills, overdue ends only when what is left fits the credit limit, replays
// are idempotent, and every bad request is refused with nothing written.
import { beforeAll, describe, expect, it, vi } from "vitest";

vi.mock("next-auth", async (orig) => ({ ...(await orig<object>()), getServerSession: async () => null }));

import { and, asc, eq } from "drizzle-orm";
import { POST as topUpPOST } from "@/app/api/v1/account/top-ups/route";
import { GET as ledgerGET } from "@/app/api/v1/account/ledger/route";
import { accounts, billLines } from "@/db/schema";
import { loadCatalog, readCatalogFile } from "@/lib/billing/catalog";
import { OPERATOR } from "@/lib/data/caller";
import { createApiKey } from "@/lib/data/operator";
import { topUp } from "@/lib/data/top-ups";
import { COMMANDS } from "@/lib/ops/commands";
import { sum } from "@/lib/money";
import { useTestDatabase } from "./db";
import { fixtures } from "./overdue-fixtures";
import { insertBillLines } from "./lines";

process.env.BILLING_TEST_CLOCK = "1";

describe("top-up", () => {
  const t = useTestDatabase();
  const f = fixtures(t);
  beforeAll(async () => {
    await loadCatalog(f.db(), await readCatalogFile());
  });

  /** Three outstanding lines in three monthly bills, the newest first in insertion order. */
  async function owing(creditLimit = "0") {
    const a = await f.account({ creditLimit, prefix: "tu" });
    const mk = (cycle: string, amount: string) => {
      const due = new Date(`${cycle}-15T00:00:00Z`);
      return {
        accountId: a.id, id: `line-${cycle}`, billId: `bill-${cycle}-oss-payg`, billingCycle: cycle, billDate: `${cycle}-14`, lineType: "usage",
        productId: "oss", productDetail: "oss", instanceId: "b1", instanceName: "b1", regionId: "eu-central-1", billingMethod: "payg" as const,
        billableItemId: "oss.storage", usageQuantity: "1", usageUnit: "GB", unitPrice: amount, priceUnit: "USD/GB", originalAmount: amount,
        pretaxAmount: amount, outstandingAmount: amount, currency: "USD" as const, dueAt: due, settledAt: due, ratedAt: due,
      };
    };
    await insertBillLines(f.db(), [mk("2026-03", "30.00"), mk("2026-01", "10.00"), mk("2026-02", "20.00")]);
    await f.db().update(accounts).set({ overdueSince: new Date("2026-01-15T00:00:00Z"), testClockNow: new Date("2026-04-01T00:00:00Z") }).where(eq(accounts.id, a.id));
    return a;
  }
  const outstandingByCycle = async (id: string) =>
    (await f.db().select().from(billLines).where(eq(billLines.accountId, id)).orderBy(asc(billLines.billingCycle))).map((l) => [l.billingCycle, l.outstandingAmount]);

  it("settles several bills oldest first; overdue ends when nothing is left beyond the credit limit; balance = Σ ledger", async () => {
    const a = await owing();
    const r1 = await topUp(a.caller, { amount: "25.00", idempotencyKey: "first" });
    expect(r1).toMatchObject({ settledLines: 2, settledAmount: "25.00", balance: "0.00" });
    expect(await outstandingByCycle(a.id)).toEqual([
      ["2026-01", "0.000000"],
      ["2026-02", "5.000000"],
      ["2026-03", "30.000000"],
    ]);
    expect((await f.acc(a.id)).overdueSince).not.toBeNull();

    const r2 = await topUp(a.caller, { amount: "40.00", idempotencyKey: "second" });
    expect(r2).toMatchObject({ settledLines: 2, settledAmount: "35.00", balance: "5.00" });
    expect(await outstandingByCycle(a.id)).toEqual([
      ["2026-01", "0.000000"],
      ["2026-02", "0.000000"],
      ["2026-03", "0.000000"],
    ]);
    expect((await f.acc(a.id)).overdueSince).toBeNull();
    const ledger = await f.ledger(a.id);
    expect(ledger.map((e) => [e.entryType, e.amount])).toEqual(
      expect.arrayContaining([["top_up", "25.000000"], ["top_up", "40.000000"], ["deduction", "-10.000000"], ["deduction", "-15.000000"], ["deduction", "-5.000000"], ["deduction", "-30.000000"]]),
    );
    expect(ledger).toHaveLength(6);
    expect(sum(ledger.map((e) => e.amount)).toFixed(2)).toBe("5.00");
    expect((await f.balance(a.id)).toFixed(2)).toBe("5.00");
    // The lines' paid-from-balance columns now carry what the top-ups paid.
    const lines = await f.db().select().from(billLines).where(and(eq(billLines.accountId, a.id)));
    expect(sum(lines.map((l) => l.paidFromBalance)).toFixed(2)).toBe("60.00");
  });

  it("a top-up that leaves the outstanding amount within the credit limit ends overdue", async () => {
    const a = await owing("35.00");
    await topUp(a.caller, { amount: "25.00", idempotencyKey: "k" });
    // 35 left, limit 35: covered by the overdraft.
    expect((await f.acc(a.id)).overdueSince).toBeNull();
  });

  it("refuses viewers and bad amounts, writing nothing", async () => {
    const a = await owing();
    const viewer = { ...a.caller, role: "viewer" as const };
    await expect(topUp(viewer, { amount: "10", idempotencyKey: "v" })).rejects.toMatchObject({ status: 403 });
    for (const amount of ["0", "0.00", "-5", "abc", "1.234", "", "1e3"]) {
      await expect(topUp(a.caller, { amount, idempotencyKey: `bad-${amount}` }), amount).rejects.toMatchObject({ status: 400 });
    }
    expect(await f.ledger(a.id)).toHaveLength(0);
    expect(await outstandingByCycle(a.id)).toEqual([
      ["2026-01", "10.000000"],
      ["2026-02", "20.000000"],
      ["2026-03", "30.000000"],
    ]);
  });

  it("npm run ops -- top-up: pays oldest first, replays by --key, refuses bad input", async () => {
    const a = await owing();
    const out: string[] = [];
    const run = (values: Record<string, string>) => COMMANDS["top-up"].run({ values, positionals: [], handle: t.handle(), log: (l) => out.push(l) });
    await run({ account: a.id, amount: "12.50", key: "ops-1", at: "2026-04-01T00:00:00Z" });
    expect(out.at(-1)).toBe("Topped up 12.50: 2 outstanding line(s) paid (12.50). Balance 0.00.");
    await run({ account: a.id, amount: "12.50", key: "ops-1" });
    expect(out.at(-1)).toContain("already applied; nothing changed");
    await expect(run({ account: a.id })).rejects.toThrow(/missing --amount/);
    await expect(run({ account: a.id, amount: "abc" })).rejects.toMatchObject({ status: 400 });
    await expect(run({ account: "no-such-account", amount: "5" })).rejects.toMatchObject({ status: 404 });
    expect(await outstandingByCycle(a.id)).toEqual([
      ["2026-01", "0.000000"],
      ["2026-02", "17.500000"],
      ["2026-03", "30.000000"],
    ]);
    expect((await f.ledger(a.id)).filter((e) => e.entryType === "top_up")).toHaveLength(1);
  });

  describe("POST /api/v1/account/top-ups", () => {
    type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
    async function post(key: string, body: unknown, idem: string | null) {
      const headers: Record<string, string> = { authorization: `Bearer ${key}`, "content-type": "application/json" };
      if (idem) headers["idempotency-key"] = idem;
      const res = await (topUpPOST as Handler)(
        new Request("http://localhost/api/v1/account/top-ups", { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) }),
        { params: Promise.resolve({}) },
      );
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    }

    it("applies once per idempotency key; a reused key with another amount is a 409", async () => {
      const a = await owing();
      const { key } = await createApiKey(OPERATOR, { accountId: a.id, name: "finance", role: "finance" });
      const first = await post(key, { amount: "15.00" }, "pay-1");
      expect(first).toMatchObject({ status: 201, body: { settledLines: 2, settledAmount: "15.00", replayed: false } });
      const again = await post(key, { amount: "15.00" }, "pay-1");
      expect(again).toMatchObject({ status: 200, body: { ledgerEntryId: first.body.ledgerEntryId, replayed: true } });
      const clash = await post(key, { amount: "16.00" }, "pay-1");
      expect(clash.status).toBe(409);
      const ledger = await f.ledger(a.id);
      expect(ledger.filter((e) => e.entryType === "top_up")).toHaveLength(1);
      expect(sum(ledger.map((e) => e.amount)).toFixed(2)).toBe("0.00");
    });

    it("refuses a missing key, bad bodies and a viewer with 4xx and writes nothing", async () => {
      const a = await owing();
      const { key } = await createApiKey(OPERATOR, { accountId: a.id, name: "admin", role: "admin" });
      const viewer = await createApiKey(OPERATOR, { accountId: a.id, name: "viewer", role: "viewer" });
      expect((await post(key, { amount: "10" }, null)).status).toBe(400);
      expect((await post(key, "{not json", "b1")).status).toBe(400);
      expect((await post(key, { amount: 10 }, "b2")).status).toBe(400);
      expect((await post(key, { amount: "-10" }, "b3")).status).toBe(400);
      expect((await post(key, {}, "b4")).status).toBe(400);
      expect((await post(viewer.key, { amount: "10" }, "b5")).status).toBe(403);
      expect((await post("nope", { amount: "10" }, "b6")).status).toBe(401);
      expect(await f.ledger(a.id)).toHaveLength(0);
    });

    it("the ledger lists, filters by type and exports CSV; a bad filter is a 400", async () => {
      const a = await owing();
      const { key } = await createApiKey(OPERATOR, { accountId: a.id, name: "admin", role: "admin" });
      await post(key, { amount: "12.00" }, "led-1");
      const get = async (qs: string) =>
        (ledgerGET as Handler)(new Request(`http://localhost/api/v1/account/ledger${qs}`, { headers: { authorization: `Bearer ${key}` } }), { params: Promise.resolve({}) });
      type Page = { data: { id: string; type: string; amount: string }[]; nextToken: string | null; totalCount: number };
      const all = (await (await get("")).json()) as Page;
      expect(all.data.map((e) => e.type).sort()).toEqual(["deduction", "deduction", "top_up"]);
      expect([all.totalCount, all.nextToken]).toEqual([3, null]);
      const tops = (await (await get("?type=top_up")).json()) as Page;
      expect(tops.data).toEqual([expect.objectContaining({ type: "top_up", amount: "12.00" })]);
      // The list envelope pages with nextToken: two pages of 2 and 1 give the same entries in the same order.
      const p1 = (await (await get("?limit=2")).json()) as Page;
      const p2 = (await (await get(`?limit=2&nextToken=${p1.nextToken}`)).json()) as Page;
      expect([p1.data.length, p2.data.length, p1.totalCount, p2.nextToken]).toEqual([2, 1, 3, null]);
      expect([...p1.data, ...p2.data].map((e) => e.id)).toEqual(all.data.map((e) => e.id));
      expect((await get("?nextToken=garbage")).status).toBe(400);
      const csv = await get("?format=csv&type=deduction");
      expect(csv.headers.get("content-type")).toContain("text/csv");
      const rows = (await csv.text()).trim().split(/\r?\n/); // CSV lines end in CRLF
      expect(rows[0]).toBe("at,type,amount,currency,reference_type,reference_id,memo,id");
      expect(rows.slice(1).map((r) => r.split(",")[2]).sort()).toEqual(["-10.00", "-2.00"]);
      // Header words in Russian on request; the cells are the same machine-readable values.
      const ru = (await (await get("?format=csv&type=deduction&headers=ru")).text()).trim().split(/\r?\n/);
      expect(ru[0]).toBe("Время,Тип,Сумма,Валюта,Тип ссылки,ID ссылки,Описание,ID операции");
      expect(ru.slice(1)).toEqual(rows.slice(1));
      expect((await get("?format=csv&headers=de")).status).toBe(400);
      expect((await get("?type=bogus")).status).toBe(400);
      // The largest page there is answers too (the extra row that tells "more" is the server's own).
      expect((await get("?limit=5000")).status).toBe(200);
      expect((await get("?from=2026-13-45")).status).toBe(400);
    });
  });
});
