// Lifecycle actions through the real route handlers and the jobs: quote,
// switch, renew, auto-renew at expiry, unsubscribe, upgrade/downgrade, unpaid
// orders (pay, cancel), idempotency, roles, the overdue refusal and the audit log.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// API calls here carry keys; no session may stand in for a missing one.
vi.mock("next-auth", async (orig) => ({ ...(await orig<object>()), getServerSession: async () => null }));

import { and, asc, eq, sql } from "drizzle-orm";
import { GET as quoteGET } from "@/app/api/v1/instances/[id]/quote/route";
import { POST as switchPOST } from "@/app/api/v1/instances/[id]/switch/route";
import { POST as renewPOST } from "@/app/api/v1/instances/[id]/renew/route";
import { POST as autoRenewPOST } from "@/app/api/v1/instances/[id]/auto-renew/route";
import { POST as unsubscribePOST } from "@/app/api/v1/instances/[id]/unsubscribe/route";
import { POST as changeSpecPOST } from "@/app/api/v1/instances/[id]/change-spec/route";
import { GET as ordersGET } from "@/app/api/v1/orders/route";
import { POST as payPOST } from "@/app/api/v1/orders/[id]/pay/route";
import { POST as cancelPOST } from "@/app/api/v1/orders/[id]/cancel/route";
import { GET as billsGET } from "@/app/api/v1/bills/route";
import { accounts, auditLog, billLines, instances, instanceStateChanges, ledgerEntries, orders } from "@/db/schema";
import { loadCatalog, readCatalogFile } from "@/lib/billing/catalog";
import { runJobs } from "@/lib/jobs/run";
import { fixedClock, realClock, setSystemClock } from "@/lib/clock";
import { OPERATOR } from "@/lib/data/caller";
import { createAccount, createApiKey } from "@/lib/data/operator";
import { dec } from "@/lib/money";
import { uniq, useTestDatabase } from "./db";

// Response bodies are checked field by field with toMatchObject.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = { data?: Record<string, any>; error?: { code: string; message: string } };
type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
const NOW = new Date("2026-11-10T09:00:00Z");
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe("lifecycle actions", () => {
  const t = useTestDatabase();
  const db = () => t.handle().db;
  let n = 0;

  beforeAll(async () => {
    await loadCatalog(db(), await readCatalogFile());
    setSystemClock(fixedClock(NOW));
  });
  afterAll(() => setSystemClock(realClock));

  async function tenant(balance = "500.00") {
    const id = uniq("lc").toLowerCase().slice(0, 40);
    await createAccount(OPERATOR, { id, name: id });
    const keys = {
      admin: (await createApiKey(OPERATOR, { accountId: id, name: "a", role: "admin" })).key,
      finance: (await createApiKey(OPERATOR, { accountId: id, name: "f", role: "finance" })).key,
      viewer: (await createApiKey(OPERATOR, { accountId: id, name: "v", role: "viewer" })).key,
    };
    if (dec(balance).gt(0)) await topUp(id, balance, new Date(NOW.getTime() - 30 * DAY));
    return { id, keys };
  }
  async function topUp(accountId: string, amount: string, at = NOW) {
    await db().insert(ledgerEntries).values({ accountId, id: `led_${uniq("t")}`, entryType: "top_up", amount, currency: "USD", at });
  }
  async function phone(accountId: string, v: { id?: string; count?: number; spec?: string; region?: string; createdAt?: Date; billingMethod?: "payg" | "subscription"; expiresAt?: Date; autoRenew?: boolean } = {}) {
    const createdAt = v.createdAt ?? new Date(NOW.getTime() - 9 * HOUR);
    const id = v.id ?? "cp";
    await db().insert(instances).values({
      accountId, id, productId: "cloud-phone", name: id, spec: v.spec ?? "acp.std.small", regionId: v.region ?? "eu-central-1", instanceCount: v.count ?? 2,
      billingMethod: v.billingMethod ?? "payg", createdAt, billingAnchorAt: createdAt, statusSince: createdAt, expiresAt: v.expiresAt ?? null, autoRenew: v.autoRenew ?? false,
    });
    return id;
  }

  async function call(handler: Handler, key: string | null, url: string, params: Record<string, string>, body?: unknown, idem?: string | null) {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (key) headers.authorization = `Bearer ${key}`;
    if (idem !== null) headers["idempotency-key"] = idem ?? `k-${n++}-${Date.now()}`;
    const res = await handler(new Request(`http://localhost${url}`, { method: body === undefined ? "GET" : "POST", headers, body: body === undefined ? undefined : JSON.stringify(body) }), { params: Promise.resolve(params) });
    return { status: res.status, body: (await res.json()) as Body };
  }
  const act = (h: Handler, action: string, key: string, id: string, body: unknown = {}, idem?: string | null) => call(h, key, `/api/v1/instances/${id}/${action}`, { id }, body, idem);
  const quote = (key: string, id: string, qs: string) => call(quoteGET as Handler, key, `/api/v1/instances/${id}/quote?${qs}`, { id });

  async function counts(accountId: string) {
    const c = async (table: typeof orders | typeof ledgerEntries | typeof auditLog) =>
      (await db().select({ n: sql<number>`count(*)::int` }).from(table).where(eq(table.accountId, accountId)))[0].n;
    return { orders: await c(orders), ledger: await c(ledgerEntries), audit: await c(auditLog) };
  }
  async function balance(accountId: string) {
    const [r] = await db().select({ s: sql<string>`coalesce(sum(${ledgerEntries.amount}), 0)` }).from(ledgerEntries).where(eq(ledgerEntries.accountId, accountId));
    return dec(r.s).toFixed(2);
  }
  async function inst(accountId: string, id: string) {
    return (await db().select().from(instances).where(and(eq(instances.accountId, accountId), eq(instances.id, id))))[0];
  }

  it("switches a pay-as-you-go Cloud Phone group to 3 months: quote, one order, one charge, billing stops at the instant", async () => {
    const { id: a, keys } = await tenant();
    const cp = await phone(a);
    const q = await quote(keys.admin, cp, "action=switch&months=3");
    expect(q.status).toBe(200);
    // 21.4953 × 3 × 2 = 128.9718 → 128.97; the third period ran 1 h: 0.0898 × 1 × 2 = 0.1796 → 0.18.
    expect(q.body.data).toMatchObject({ orderType: "conversion", payableAmount: "128.97", paygFinalCharge: "0.18", months: 3 });

    const r = await act(switchPOST as Handler, "switch", keys.admin, cp, { months: 3, autoRenew: true }, "switch-key-0001");
    expect(r.status).toBe(200);
    expect(r.body.data).toMatchObject({ replayed: false, paid: true, order: { orderType: "conversion", status: "paid", payableAmount: "128.97", paidAmount: "128.97", months: 3 } });
    expect(r.body.data!.order.orderNo).toMatch(/^\d{18}$/);
    expect(r.body.data!.ledgerEntry).toMatchObject({ type: "deduction", amount: "-128.97" });
    const after = await inst(a, cp);
    expect([after.billingMethod, after.status, after.expiresAt?.toISOString(), after.autoRenew, after.autoRenewMonths]).toEqual(["subscription", "active", "2027-02-10T09:00:00.000Z", true, 3]);
    expect(await balance(a)).toBe("371.03");

    // A retry (double click) returns the first result and charges nothing more.
    const again = await act(switchPOST as Handler, "switch", keys.admin, cp, { months: 3, autoRenew: true }, "switch-key-0001");
    expect(again.body.data).toMatchObject({ replayed: true, order: { id: r.body.data!.order.id } });
    expect(await counts(a)).toEqual({ orders: 1, ledger: 2, audit: 1 });
    // The same key with other parameters is a conflict.
    const other = await act(switchPOST as Handler, "switch", keys.admin, cp, { months: 6 }, "switch-key-0001");
    expect(other.status).toBe(409);
    expect(other.body.error!.message).toMatch(/already used for a different request/);

    // Pay-as-you-go stops at the switch: 2 whole periods + the 1-hour one, nothing after.
    await runJobs(db(), { now: new Date(NOW.getTime() + 3 * DAY), accountIds: [a] });
    const payg = await db().select().from(billLines).where(and(eq(billLines.accountId, a), eq(billLines.billingMethod, "payg")));
    // 2 × round(4 × 0.0898 × 2 = 0.7184) + 0.18 = 1.62.
    expect(payg.reduce((s, l) => s.plus(l.pretaxAmount), dec(0)).toFixed(2)).toBe("1.62");

    // The order is listed in the cycle's bills and in the orders, and audited.
    const bills = await call(billsGET as Handler, keys.viewer, "/api/v1/bills?billingCycle=2026-11", {});
    expect((bills.body.data as unknown as { orderNo: string }[]).map((b) => b.orderNo)).toContain(r.body.data!.order.orderNo);
    const listed = await call(ordersGET as Handler, keys.viewer, `/api/v1/orders?instanceId=${cp}`, {});
    expect((listed.body.data as unknown as { orderNo: string }[]).map((o) => o.orderNo)).toEqual([r.body.data!.order.orderNo]);
    const [audit] = await db().select().from(auditLog).where(eq(auditLog.accountId, a));
    expect(audit).toMatchObject({ action: "switch_to_subscription", targetId: cp, amounts: { payable: "128.97", paid: "128.970000" } });
    expect(audit.fromState).toMatch(/^payg · active/);
    expect(audit.toState).toMatch(/^subscription · active/);
    expect(audit.actorApiKeyId).toBeTruthy();
  });

  function at(ms: number) {
    setSystemClock(fixedClock(new Date(NOW.getTime() + ms)));
  }

  it("unsubscribes on day 10 of a 3-month term: cash × unused days / term days back to the balance, resource released", async () => {
    const { id: a, keys } = await tenant();
    const cp = await phone(a);
    const sw = await act(switchPOST as Handler, "switch", keys.admin, cp, { months: 3 });
    expect(sw.body.data!.paid).toBe(true);
    at(9 * DAY + 3 * HOUR);
    try {
      // Term 2026-11-10 09:00 → 2027-02-10 09:00 = 92 days; on 2026-11-19 12:00 (day 10), 82 whole days are unused:
      // 128.97 × 82 / 92 = 114.949… → 114.95.
      const q = await quote(keys.admin, cp, "action=unsubscribe");
      expect(q.body.data).toMatchObject({ orderType: "refund", payableAmount: "-114.95" });
      const partial = await act(unsubscribePOST as Handler, "unsubscribe", keys.admin, cp, { instanceCount: 1 });
      expect(partial.status).toBe(409);
      expect(partial.body.error!.message).toMatch(/unsubscribed as a whole: all 2 instances, not 1/);
      const before = await balance(a);
      const r = await act(unsubscribePOST as Handler, "unsubscribe", keys.admin, cp, {}, "unsub-key-0001");
      expect(r.body.data).toMatchObject({ paid: true, message: "Refunded 114.95 USD to the balance.", order: { orderType: "refund", status: "paid", payableAmount: "-114.95" } });
      expect(r.body.data!.ledgerEntry).toMatchObject({ type: "refund", amount: "114.95" });
      expect(dec(await balance(a)).minus(before).toFixed(2)).toBe("114.95");
      const refunds = await db().select().from(ledgerEntries).where(and(eq(ledgerEntries.accountId, a), eq(ledgerEntries.entryType, "refund")));
      expect(refunds.map((l) => [l.amount, l.referenceId])).toEqual([["114.950000", r.body.data!.order.id]]);
      expect(await inst(a, cp)).toMatchObject({ status: "released", autoRenew: false });
      const hist = await db().select().from(instanceStateChanges).where(and(eq(instanceStateChanges.accountId, a), eq(instanceStateChanges.toStatus, "released")));
      expect(hist).toHaveLength(1);
      // Released: nothing more to unsubscribe or renew.
      const twice = await act(unsubscribePOST as Handler, "unsubscribe", keys.admin, cp, {});
      expect([twice.status, twice.body.error!.message]).toEqual([409, `${cp} has been released.`]);
    } finally {
      at(0);
    }
  });

  it("insufficient funds leave the order unpaid with a message; it can be paid after a top-up or cancelled", async () => {
    const { id: a, keys } = await tenant("50.00");
    const cp = await phone(a);
    const r = await act(switchPOST as Handler, "switch", keys.admin, cp, { months: 3 });
    expect(r.status).toBe(200);
    expect(r.body.data).toMatchObject({ paid: false, order: { status: "unpaid", paidAmount: "0.00" } });
    expect(r.body.data!.message).toMatch(/Insufficient funds: order \d+ for 128.97 USD is unpaid/);
    expect((await inst(a, cp)).billingMethod).toBe("payg");
    expect(await balance(a)).toBe("50.00");
    // While it is unpaid, another purchase is refused.
    const cp2 = await phone(a, { id: "cp2" });
    const blocked = await act(switchPOST as Handler, "switch", keys.admin, cp2, { months: 1 });
    expect([blocked.status, blocked.body.error!.message]).toEqual([409, `The account has an unpaid order ${r.body.data!.order.orderNo}: pay or cancel it first.`]);
    // Paying without funds: still unpaid, nothing deducted.
    const orderId = r.body.data!.order.id as string;
    const p1 = await call(payPOST as Handler, keys.admin, `/api/v1/orders/${orderId}/pay`, { id: orderId }, {});
    expect(p1.body.data).toMatchObject({ paid: false, order: { status: "unpaid" } });
    await topUp(a, "100.00");
    at(HOUR);
    try {
      const p2 = await call(payPOST as Handler, keys.admin, `/api/v1/orders/${orderId}/pay`, { id: orderId }, {});
      expect(p2.body.data).toMatchObject({ paid: true, order: { status: "paid", paidAmount: "128.97" } });
      // The term runs from the payment.
      expect((await inst(a, cp)).expiresAt?.toISOString()).toBe("2027-02-10T10:00:00.000Z");
      expect(await balance(a)).toBe("21.03");
      const cancelPaid = await call(cancelPOST as Handler, keys.admin, `/api/v1/orders/${orderId}/cancel`, { id: orderId }, {});
      expect(cancelPaid.status).toBe(409);
      expect(cancelPaid.body.error!.message).toMatch(/is paid and cannot be cancelled/);

      const r2 = await act(switchPOST as Handler, "switch", keys.admin, cp2, { months: 1 });
      expect(r2.body.data!.paid).toBe(false);
      const id2 = r2.body.data!.order.id as string;
      const c = await call(cancelPOST as Handler, keys.admin, `/api/v1/orders/${id2}/cancel`, { id: id2 }, {});
      expect(c.body.data).toMatchObject({ order: { status: "cancelled" } });
      const payCancelled = await call(payPOST as Handler, keys.admin, `/api/v1/orders/${id2}/pay`, { id: id2 }, {});
      expect([payCancelled.status, payCancelled.body.error!.message]).toEqual([409, `Order ${r2.body.data!.order.orderNo} was cancelled.`]);
      expect((await inst(a, cp2)).billingMethod).toBe("payg");
      expect(await balance(a)).toBe("21.03");
    } finally {
      at(0);
    }
  });

  it("finance and viewers get 403 from every action and nothing is written; they may read orders", async () => {
    const { id: a, keys } = await tenant();
    const cp = await phone(a, { billingMethod: "subscription", expiresAt: new Date(NOW.getTime() + 10 * DAY) });
    const before = await counts(a);
    for (const key of [keys.finance, keys.viewer]) {
      const responses = [
        await quote(key, cp, "action=renew&months=1"),
        await act(switchPOST as Handler, "switch", key, cp, { months: 1 }),
        await act(renewPOST as Handler, "renew", key, cp, { months: 1 }),
        await act(autoRenewPOST as Handler, "auto-renew", key, cp, { enabled: true, months: 1 }),
        await act(unsubscribePOST as Handler, "unsubscribe", key, cp, {}),
        await act(changeSpecPOST as Handler, "change-spec", key, cp, { spec: "acp.std.large" }),
        await call(payPOST as Handler, key, "/api/v1/orders/x/pay", { id: "x" }, {}),
        await call(cancelPOST as Handler, key, "/api/v1/orders/x/cancel", { id: "x" }, {}),
      ];
      for (const r of responses) {
        expect(r.status).toBe(403);
        expect(r.body.error!.message).toMatch(/needs the admin role/);
      }
      expect((await call(ordersGET as Handler, key, "/api/v1/orders", {})).status).toBe(200);
    }
    expect(await counts(a)).toEqual(before);
    expect(await inst(a, cp)).toMatchObject({ autoRenew: false, billingMethod: "subscription" });
  });

  it("bad input and a missing Idempotency-Key are 400s that write nothing; another account's resource is 404", async () => {
    const { id: a, keys } = await tenant();
    const other = await tenant();
    const cp = await phone(a);
    await phone(other.id, { id: "theirs" });
    const before = await counts(a);
    const cases = [
      [await act(switchPOST as Handler, "switch", keys.admin, cp, { months: 5 }), 400, /months: must be one of 1, 2, 3, 6, 12 months/],
      [await act(switchPOST as Handler, "switch", keys.admin, cp, { months: 1 }, null), 400, /Send an Idempotency-Key/],
      [await act(switchPOST as Handler, "switch", keys.admin, cp, { months: 1 }, "short"), 400, /8 to 200 characters/],
      [await act(switchPOST as Handler, "switch", keys.admin, cp, { months: 1, autoRenew: "maybe" }), 400, /autoRenew/],
      [await act(switchPOST as Handler, "switch", keys.admin, cp, [1]), 400, /JSON object/],
      [await act(changeSpecPOST as Handler, "change-spec", keys.admin, cp, {}), 400, /spec/],
      [await act(autoRenewPOST as Handler, "auto-renew", keys.admin, cp, { enabled: true, months: 4 }), 400, /months/],
      [await quote(keys.admin, cp, "action=fly"), 400, /action/],
      [await act(switchPOST as Handler, "switch", keys.admin, "theirs", { months: 1 }), 404, /not found/],
      [await act(switchPOST as Handler, "switch", keys.admin, "nope", { months: 1 }), 404, /not found/],
    ] as const;
    for (const [r, status, message] of cases) {
      expect(r.status).toBe(status);
      expect(r.body.error!.message).toMatch(message);
    }
    const raw = await switchPOST(new Request(`http://localhost/api/v1/instances/${cp}/switch`, { method: "POST", headers: { authorization: `Bearer ${keys.admin}`, "idempotency-key": "raw-key-0001" }, body: "{nope" }), { params: Promise.resolve({ id: cp }) });
    expect(raw.status).toBe(400);
    expect(await counts(a)).toEqual(before);
    expect((await inst(a, cp)).billingMethod).toBe("payg");
  });

  it("while the account is overdue, purchases, renewals and upgrades are refused with the reason; unsubscribe and auto-renew settings still work", async () => {
    const { id: a, keys } = await tenant();
    const cp = await phone(a);
    const sub = await phone(a, { id: "sub", billingMethod: "subscription", expiresAt: new Date(NOW.getTime() + 20 * DAY) });
    await db().update(accounts).set({ overdueSince: new Date("2026-11-07T00:00:00Z") }).where(eq(accounts.id, a));
    const before = await counts(a);
    const refused = [
      [await act(switchPOST as Handler, "switch", keys.admin, cp, { months: 1 }), /purchases are refused/],
      [await act(renewPOST as Handler, "renew", keys.admin, sub, { months: 1 }), /renewals are refused/],
      [await act(changeSpecPOST as Handler, "change-spec", keys.admin, sub, { spec: "acp.std.large" }), /upgrades and downgrades are refused/],
      [await quote(keys.admin, cp, "action=switch&months=1"), /purchases are refused/],
    ] as const;
    for (const [r, message] of refused) {
      expect(r.status).toBe(409);
      expect(r.body.error!.message).toMatch(/The account is overdue since 2026-11-07T00:00:00.000Z/);
      expect(r.body.error!.message).toMatch(message);
    }
    expect(await counts(a)).toEqual(before);
    const ar = await act(autoRenewPOST as Handler, "auto-renew", keys.admin, sub, { enabled: true, months: 2 });
    expect(ar.body.data).toMatchObject({ instance: { autoRenew: true, autoRenewMonths: 2 } });
  });

  it("renews manually, then the jobs auto-renew at expiry while funds allow and expire the resource when they do not", async () => {
    const { id: a, keys } = await tenant("40.00");
    // cn acp.std.small 13.8679/month × 1 instance: 13.87 per month.
    const cp = await phone(a, { count: 1, region: "cn-hangzhou", billingMethod: "subscription", expiresAt: new Date(NOW.getTime() + 2 * DAY) });
    const r = await act(renewPOST as Handler, "renew", keys.admin, cp, { months: 1 });
    expect(r.body.data).toMatchObject({ paid: true, order: { orderType: "renewal", termStart: "2026-11-12T09:00:00.000Z", termEnd: "2026-12-12T09:00:00.000Z" } });
    expect(await balance(a)).toBe("26.13");
    const ar = await act(autoRenewPOST as Handler, "auto-renew", keys.admin, cp, { enabled: true, months: 1 });
    expect(ar.body.data!.message).toBe("Auto-renewal on, 1 month(s) at a time.");

    // Jobs two months on: renewed once at 2026-12-12 (26.13 → 12.26), then short at 2027-01-12 → expired.
    await runJobs(db(), { now: new Date("2027-01-20T00:00:00Z"), accountIds: [a] });
    const os = await db().select().from(orders).where(eq(orders.accountId, a)).orderBy(asc(orders.createdAt));
    expect(os.map((o) => [o.orderType, o.status, o.termStart?.toISOString()])).toEqual([
      ["renewal", "paid", "2026-11-12T09:00:00.000Z"],
      ["renewal", "paid", "2026-12-12T09:00:00.000Z"],
      ["renewal", "cancelled", "2027-01-12T09:00:00.000Z"],
    ]);
    expect(await balance(a)).toBe("12.26");
    expect(await inst(a, cp)).toMatchObject({ status: "expired", expiresAt: new Date("2027-01-12T09:00:00.000Z"), statusSince: new Date("2027-01-12T09:00:00.000Z") });
    const [expiry] = await db().select().from(instanceStateChanges).where(and(eq(instanceStateChanges.accountId, a), eq(instanceStateChanges.toStatus, "expired")));
    expect(expiry.cause).toBe("subscription expired: insufficient funds");
    const actions = (await db().select().from(auditLog).where(eq(auditLog.accountId, a)).orderBy(asc(auditLog.at), asc(auditLog.id))).map((e) => e.action);
    expect(actions).toEqual(["renew", "auto_renew_on", "auto_renew", "expire"]);
    // Running the jobs again changes nothing.
    await runJobs(db(), { now: new Date("2027-01-20T00:00:00Z"), accountIds: [a] });
    expect((await counts(a)).orders).toBe(3);

    // A manual renewal of the expired resource starts a new term now and reactivates it.
    await topUp(a, "20.00");
    at(75 * DAY);
    try {
      const back = await act(renewPOST as Handler, "renew", keys.admin, cp, { months: 1 });
      expect(back.body.data).toMatchObject({ paid: true, instance: { status: "active" } });
      expect(back.body.data!.order.termStart).toBe(new Date(NOW.getTime() + 75 * DAY).toISOString());
    } finally {
      at(0);
    }
  });

  it("auto-renewal fails cleanly while the account is overdue: expired with the cause, no order", async () => {
    const { id: a } = await tenant();
    const cp = await phone(a, { billingMethod: "subscription", expiresAt: new Date(NOW.getTime() + DAY), autoRenew: true });
    await db().update(accounts).set({ overdueSince: new Date(NOW.getTime() - DAY), creditLimit: "1000000" }).where(eq(accounts.id, a));
    await runJobs(db(), { now: new Date(NOW.getTime() + 2 * DAY), accountIds: [a] });
    expect(await inst(a, cp)).toMatchObject({ status: "expired", statusSince: new Date(NOW.getTime() + DAY) });
    const [change] = await db().select().from(instanceStateChanges).where(and(eq(instanceStateChanges.accountId, a), eq(instanceStateChanges.toStatus, "expired")));
    expect(change.cause).toBe("subscription expired: account overdue");
    expect((await counts(a)).orders).toBe(0);
  });

  it("unsubscribing cancels the resource's unpaid order", async () => {
    const { id: a, keys } = await tenant("5.00");
    const cp = await phone(a, { billingMethod: "subscription", expiresAt: new Date(NOW.getTime() + 10 * DAY) });
    const renewal = await act(renewPOST as Handler, "renew", keys.admin, cp, { months: 1 });
    expect(renewal.body.data).toMatchObject({ paid: false, order: { status: "unpaid" } });
    const r = await act(unsubscribePOST as Handler, "unsubscribe", keys.admin, cp, {});
    expect(r.body.data).toMatchObject({ paid: true, order: { orderType: "refund", payableAmount: "0.00" } });
    const os = await db().select().from(orders).where(eq(orders.accountId, a)).orderBy(asc(orders.orderType));
    expect(os.map((o) => [o.orderType, o.status])).toEqual([["refund", "paid"], ["renewal", "cancelled"]]);
    expect(await balance(a)).toBe("5.00");
  });

  it("auto-renewal off: the jobs expire the subscription at its end date", async () => {
    const { id: a } = await tenant();
    const cp = await phone(a, { billingMethod: "subscription", expiresAt: new Date(NOW.getTime() + DAY) });
    await runJobs(db(), { now: new Date(NOW.getTime() + 2 * DAY), accountIds: [a] });
    expect(await inst(a, cp)).toMatchObject({ status: "expired" });
    expect((await counts(a)).orders).toBe(0);
  });

  it("upgrades and downgrades keep the end date and pay or refund the difference; an Image Search package changes in the month it was bought", async () => {
    const { id: a, keys } = await tenant("3000.00");
    const cp = await phone(a, { count: 1, region: "cn-hangzhou" });
    await act(switchPOST as Handler, "switch", keys.admin, cp, { months: 1 });
    const end = (await inst(a, cp)).expiresAt!.toISOString();
    at(15 * DAY);
    try {
      // Term 2026-11-10 09:00 → 2026-12-10 09:00 (30 days), 15 left; month values 13.87 → 21.34:
      // (21.34 − 13.87) × 15 / 30 = 3.735 → 3.74.
      const before = await balance(a);
      const up = await act(changeSpecPOST as Handler, "change-spec", keys.admin, cp, { spec: "acp.std.large" });
      expect(up.body.data).toMatchObject({ paid: true, order: { orderType: "upgrade", payableAmount: "3.74" }, instance: { spec: "acp.std.large" } });
      expect(dec(before).minus(await balance(a)).toFixed(2)).toBe("3.74");
      const down = await act(changeSpecPOST as Handler, "change-spec", keys.admin, cp, { spec: "acp.std.small" });
      expect(down.body.data).toMatchObject({ paid: true, order: { orderType: "downgrade" }, quote: { payableAmount: "-3.74" }, instance: { spec: "acp.std.small" } });
      expect((await inst(a, cp)).expiresAt!.toISOString()).toBe(end);
    } finally {
      at(0);
    }

    // Image Search: a package bought this month can still be upgraded (a change is not a new purchase); never to the trial.
    await db().insert(instances).values({
      accountId: a, id: "is", productId: "image-search", name: "is", spec: "2.5m-5", regionId: "cn-shanghai", billingMethod: "subscription",
      createdAt: new Date("2026-11-01T00:00:00Z"), billingAnchorAt: new Date("2026-11-01T00:00:00Z"), statusSince: new Date("2026-11-01T00:00:00Z"), expiresAt: new Date("2026-12-01T00:00:00Z"),
    });
    await db().insert(orders).values({
      accountId: a, id: "ord_is_new", orderNo: "IS-NEW-1", instanceId: "is", productId: "image-search", orderType: "new", spec: "2.5m-5", months: 1,
      termStart: new Date("2026-11-01T00:00:00Z"), termEnd: new Date("2026-12-01T00:00:00Z"), originalAmount: "800", payableAmount: "800", paidAmount: "800", status: "paid", createdAt: new Date("2026-11-01T00:00:00Z"),
    });
    const up = await act(changeSpecPOST as Handler, "change-spec", keys.admin, "is", { spec: "5m-10" });
    expect(up.status).toBe(200);
    expect(up.body.data).toMatchObject({ paid: true, order: { orderType: "upgrade" }, instance: { spec: "5m-10" } });
    const down = await act(changeSpecPOST as Handler, "change-spec", keys.admin, "is", { spec: "100k-1" });
    expect(down.body.error!.message).toMatch(/free trial package cannot be bought/);
  });
});
