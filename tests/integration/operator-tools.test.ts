// Operator tools through lib/data and /api/ops/v1: vouchers and coupons are
// used in the settlement order (plans, coupons, vouchers, balance), revoking
// takes back only the unused part, an adjustment to a closed cycle lands in
// the open one and leaves the closed bill as it was, the currency cannot change
// once money is recorded, every action is audited with who and why, and no
// account key or session reaches the operator API. Bad input writes nothing.
import fc from "fast-check";
import { beforeAll, describe, expect, it, vi } from "vitest";

vi.mock("next-auth", async (orig) => ({ ...(await orig<object>()), getServerSession: async () => null }));

import { and, asc, eq } from "drizzle-orm";
import { GET as accountGET, PATCH as accountPATCH } from "@/app/api/ops/v1/accounts/[accountId]/route";
import { POST as vouchersPOST } from "@/app/api/ops/v1/accounts/[accountId]/vouchers/route";
import { POST as voucherRevokePOST } from "@/app/api/ops/v1/accounts/[accountId]/vouchers/[voucherId]/revoke/route";
import { POST as couponsPOST } from "@/app/api/ops/v1/accounts/[accountId]/coupons/route";
import { POST as couponRevokePOST } from "@/app/api/ops/v1/accounts/[accountId]/coupons/[couponId]/revoke/route";
import { GET as adjustmentsGET, POST as adjustmentsPOST } from "@/app/api/ops/v1/accounts/[accountId]/adjustments/route";
import { accounts, adjustments, auditLog, billLinePeriods, billLines, bills, coupons, vouchers } from "@/db/schema";
import { loadCatalog, readCatalogFile } from "@/lib/billing/catalog";
import { cliOperator, OPERATOR } from "@/lib/data/caller";
import { createApiKey } from "@/lib/data/operator";
import { createOperatorKey, operatorKeyCaller, revokeOperatorKey } from "@/lib/data/operator-keys";
import { issueCoupon, issueVoucher, revokeVoucher, updateAccountTerms } from "@/lib/data/operator-money";
import { adjustAccount } from "@/lib/data/operator-adjustments";
import { listAudit } from "@/lib/data/audit";
import { sum } from "@/lib/money";
import { contractViolations } from "./api-contract";
import type { ApiResponse } from "./api-client";
import { useTestDatabase } from "./db";
import { fixtures, HOUR } from "./overdue-fixtures";

process.env.BILLING_TEST_CLOCK = "1";

const START = new Date("2026-03-01T00:00:00Z");
const ALICE = cliOperator("alice");
const seen: ApiResponse[] = [];

type Route = (req: Request, ctx: { params: Promise<never> }) => Promise<Response>;
async function call(route: Route, method: string, path: string, params: Record<string, string>, key: string | null, body?: unknown): Promise<ApiResponse> {
  const headers: Record<string, string> = key ? { authorization: `Bearer ${key}` } : {};
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await route(new Request(new URL(path, "http://localhost"), { method, headers, body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body) }), {
    params: Promise.resolve(params as never),
  });
  const r = { method, path, status: res.status, json: await res.json() };
  seen.push(r);
  return r;
}

describe("operator tools", () => {
  const t = useTestDatabase();
  const f = fixtures(t);
  beforeAll(async () => {
    await loadCatalog(f.db(), await readCatalogFile());
  });

  /** An account at START with a 5-instance phone group (1.62 per 4-hour period) and a balance. */
  async function phoneAccount(balance = "100.00") {
    const a = await f.account({ balance, prefix: "op" });
    await f.db().update(accounts).set({ testClockNow: START }).where(eq(accounts.id, a.id));
    await f.phone(a.id, START);
    return a;
  }
  const periods = async (accountId: string) =>
    (await f.db().select().from(billLinePeriods).where(eq(billLinePeriods.accountId, accountId)).orderBy(asc(billLinePeriods.periodStart))).map((p) => [
      p.amount,
      p.deductedByCoupons,
      p.deductedByVouchers,
      p.paidFromBalance,
    ]);
  const voucherRow = async (accountId: string, id: string) => (await f.db().select().from(vouchers).where(and(eq(vouchers.accountId, accountId), eq(vouchers.id, id))))[0];
  const couponRow = async (accountId: string, id: string) => (await f.db().select().from(coupons).where(and(eq(coupons.accountId, accountId), eq(coupons.id, id))))[0];

  it("applies a coupon, then a voucher, then the balance; the coupon's usage limit and scope hold; revoking leaves the used part", async () => {
    const a = await phoneAccount();
    const validity = { validFrom: "2026-01-01T00:00:00Z", expiresAt: "2026-12-31T00:00:00Z" };
    const coupon = await issueCoupon(ALICE, a.id, { percentOff: "10", maxValue: "50.00", usageLimit: 2, productIds: ["cloud-phone"], ...validity, reason: "launch promo" });
    const voucher = await issueVoucher(ALICE, a.id, { amount: "5.00", productIds: ["cloud-phone"], ...validity, reason: "service credit" });
    // Out of scope: never used for a Cloud Phone line.
    await issueVoucher(ALICE, a.id, { amount: "9.00", productIds: ["oss"], ...validity, reason: "storage credit", code: "OSS-ONLY" });

    await f.clock(a.caller, new Date(START.getTime() + 12 * HOUR));
    // Each period 1.62: coupon 10 % (0.16) for the first two uses only, then the voucher pays the rest.
    expect(await periods(a.id)).toEqual([
      ["1.620000", "0.160000", "1.460000", "0.000000"],
      ["1.620000", "0.160000", "1.460000", "0.000000"],
      ["1.620000", "0.000000", "1.620000", "0.000000"],
    ]);
    expect(await couponRow(a.id, coupon.id)).toMatchObject({ timesUsed: 2, remaining: "49.680000" });
    expect((await voucherRow(a.id, voucher.id)).remaining).toBe("0.460000");
    expect((await f.balance(a.id)).toFixed(2)).toBe("100.00");

    const revoked = await revokeVoucher(ALICE, a.id, voucher.id, { reason: "customer left the programme" });
    expect(revoked).toMatchObject({ remaining: "0.000000", revokedAmount: "0.460000" });
    await f.clock(a.caller, new Date(START.getTime() + 16 * HOUR));
    const after = await periods(a.id);
    // The used part stays on the lines it paid; the next period is paid from the balance.
    expect(sum(after.map((p) => p[2])).toFixed(2)).toBe("4.54");
    expect(after[3]).toEqual(["1.620000", "0.000000", "0.000000", "1.620000"]);
    expect((await f.balance(a.id)).toFixed(2)).toBe("98.38");
    // Revoking twice is a conflict, not a second take-back.
    await expect(revokeVoucher(ALICE, a.id, voucher.id, { reason: "again" })).rejects.toMatchObject({ status: 409 });

    const audit = await listAudit(OPERATOR, {}, a.id);
    expect(audit.data.map((e) => e.action)).toEqual(["operator.voucher.revoke", "operator.voucher.issue", "operator.voucher.issue", "operator.coupon.issue"]);
    expect(audit.data[0]).toMatchObject({ actor: 'operator "alice" (provider staff)', actorOperatorName: "alice", amounts: { revoked: "0.46", used: "4.54" }, details: { reason: "customer left the programme" } });
  });

  it("an amount-off coupon takes a fixed amount per line", async () => {
    const a = await phoneAccount();
    await issueCoupon(ALICE, a.id, { amountOff: "0.50", maxValue: "0.75", expiresAt: "2026-12-31T00:00:00Z", validFrom: "2026-01-01T00:00:00Z", reason: "apology" });
    await f.clock(a.caller, new Date(START.getTime() + 12 * HOUR));
    expect((await periods(a.id)).map((p) => p[1])).toEqual(["0.500000", "0.250000", "0.000000"]);
  });

  it("an adjustment to a closed cycle is a line in the open cycle and a ledger entry; the closed bill is unchanged", async () => {
    const a = await phoneAccount("1000.00");
    await f.clock(a.caller, new Date("2026-04-02T00:00:00Z"));
    const closedLines = () => f.db().select().from(billLines).where(and(eq(billLines.accountId, a.id), eq(billLines.billingCycle, "2026-03"))).orderBy(asc(billLines.id));
    const closedBills = () => f.db().select().from(bills).where(and(eq(bills.accountId, a.id), eq(bills.billingCycle, "2026-03")));
    const [linesBefore, billsBefore] = [await closedLines(), await closedBills()];
    expect(billsBefore.map((b) => b.status)).toEqual(["closed"]);
    const balanceBefore = await f.balance(a.id);

    const credit = await adjustAccount(ALICE, a.id, { kind: "credit", amount: "10.00", billingCycle: "2026-03", productId: "cloud-phone", reason: "outage on 12 March" });
    const debit = await adjustAccount(ALICE, a.id, { kind: "debit", amount: "3.00", billingCycle: "2026-03", productId: "cloud-phone", reason: "unbilled support hours" });
    expect(credit).toMatchObject({ kind: "credit", amount: "10.000000", targetCycle: "2026-03", billingMethod: "payg", inCycle: "2026-04" });

    expect(await closedLines()).toEqual(linesBefore);
    expect(await closedBills()).toEqual(billsBefore);
    const adj = await f.db().select().from(billLines).where(and(eq(billLines.accountId, a.id), eq(billLines.lineType, "adjustment"))).orderBy(asc(billLines.pretaxAmount));
    expect(adj.map((l) => [l.id, l.billingCycle, l.billId, l.pretaxAmount, l.paidFromBalance, l.outstandingAmount, l.settledAt !== null, l.productDetail])).toEqual([
      [credit.lineId, "2026-04", "bill-2026-04-cloud-phone-payg", "-10.000000", "-10.000000", "0.000000", true, "Credit for 2026-03: outage on 12 March"],
      [debit.lineId, "2026-04", "bill-2026-04-cloud-phone-payg", "3.000000", "3.000000", "0.000000", true, "Debit for 2026-03: unbilled support hours"],
    ]);
    const ledger = (await f.ledger(a.id)).filter((e) => e.referenceId === credit.id || e.referenceId === debit.lineId);
    expect(ledger.map((e) => [e.entryType, e.amount])).toEqual([["adjustment", "10.000000"], ["deduction", "-3.000000"]]);
    expect((await f.balance(a.id)).minus(balanceBefore).toFixed(2)).toBe("7.00");
    const audit = await listAudit(OPERATOR, { action: "operator.adjustment.credit" }, a.id);
    expect(audit.data[0]).toMatchObject({ targetId: credit.id, amounts: { amount: "10.000000" }, details: { reason: "outage on 12 March", correctsCycle: "2026-03" } });
  });

  it("a credit pays what is outstanding oldest first and ends overdue", async () => {
    const a = await phoneAccount("0");
    await f.clock(a.caller, new Date("2026-04-01T00:00:00Z"));
    expect((await f.acc(a.id)).overdueSince).not.toBeNull();
    const owed = async () => sum((await f.db().select().from(billLines).where(eq(billLines.accountId, a.id))).map((l) => l.outstandingAmount));
    const before = await owed();
    expect(before.gt(0)).toBe(true);
    await adjustAccount(ALICE, a.id, { kind: "credit", amount: "1000.00", billingCycle: "2026-03", productId: "cloud-phone", reason: "refund of a bad month" });
    expect((await f.acc(a.id)).overdueSince).toBeNull();
    expect((await owed()).toFixed(2)).toBe("0.00");
    expect((await f.balance(a.id)).toFixed(2)).toBe(before.negated().plus(1000).toFixed(2));
  });

  it("refuses an open cycle, an unknown bill and bad input, writing nothing", async () => {
    const a = await phoneAccount();
    await f.clock(a.caller, new Date("2026-04-02T00:00:00Z"));
    const count = async () => (await f.db().select().from(billLines).where(eq(billLines.accountId, a.id))).length;
    const before = [await count(), (await f.balance(a.id)).toFixed(2)];
    const base = { kind: "credit", amount: "1.00", billingCycle: "2026-03", productId: "cloud-phone", reason: "why not" };
    await expect(adjustAccount(ALICE, a.id, { ...base, billingCycle: "2026-04" })).rejects.toMatchObject({ status: 409, message: expect.stringContaining("still open") });
    await expect(adjustAccount(ALICE, a.id, { ...base, productId: "oss" })).rejects.toMatchObject({ status: 404 });
    for (const bad of [{ ...base, amount: "1.001" }, { ...base, amount: "-5" }, { ...base, reason: "" }, { ...base, kind: "gift" }, { ...base, billingCycle: "March" }, { ...base, extra: 1 }]) {
      await expect(adjustAccount(ALICE, a.id, bad)).rejects.toMatchObject({ status: 400 });
    }
    await expect(issueVoucher(ALICE, a.id, { amount: "5.00", expiresAt: "2026-01-01T00:00:00Z", reason: "too late" })).rejects.toMatchObject({ status: 400 });
    await expect(issueVoucher(ALICE, a.id, { amount: "5.00", expiresAt: "2026-12-01T00:00:00Z", productIds: ["no-such"], reason: "scope" })).rejects.toMatchObject({ status: 400 });
    await expect(issueCoupon(ALICE, a.id, { percentOff: "10", amountOff: "1.00", maxValue: "5.00", expiresAt: "2026-12-01T00:00:00Z", reason: "both" })).rejects.toMatchObject({ status: 400 });
    await expect(issueCoupon(ALICE, a.id, { percentOff: "150", maxValue: "5.00", expiresAt: "2026-12-01T00:00:00Z", reason: "too much" })).rejects.toMatchObject({ status: 400 });
    // A tenant caller, even an admin, is not an operator.
    await expect(adjustAccount(a.caller, a.id, base)).rejects.toMatchObject({ status: 403 });
    expect([await count(), (await f.balance(a.id)).toFixed(2)]).toEqual(before);
    expect((await listAudit(OPERATOR, {}, a.id)).data).toEqual([]);
  });

  it("changes the credit limit; changes the currency only while nothing is recorded in it", async () => {
    const fresh = await f.account({ prefix: "cur" });
    expect(await updateAccountTerms(ALICE, fresh.id, { currency: "KZT", creditLimit: "250.00", reason: "onboarding in Almaty" })).toMatchObject({ currency: "KZT", creditLimit: "250.000000" });

    const a = await phoneAccount();
    await f.clock(a.caller, new Date(START.getTime() + 8 * HOUR));
    await expect(updateAccountTerms(ALICE, a.id, { currency: "RUB", creditLimit: "10.00", reason: "move to RUB" })).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(/cannot change from USD to RUB: it has \d+ bill lines in USD/),
    });
    expect(await f.acc(a.id)).toMatchObject({ currency: "USD", creditLimit: "0.000000" });
    await updateAccountTerms(ALICE, a.id, { creditLimit: "75.50", reason: "good payer" });
    expect((await f.acc(a.id)).creditLimit).toBe("75.500000");
    const [entry] = (await listAudit(OPERATOR, {}, a.id)).data;
    expect(entry).toMatchObject({ action: "operator.account.terms", fromState: "credit limit 0.00 · USD", toState: "credit limit 75.50 · USD", details: { reason: "good payer" } });
  });

  it("the operator API takes operator keys only: account keys and sessions get 403; its answers match its document", async () => {
    const a = await phoneAccount();
    await f.clock(a.caller, new Date("2026-04-02T00:00:00Z"));
    const accountKey = (await createApiKey(OPERATOR, { accountId: a.id, name: "ci", role: "admin" })).key;
    const opKey = (await createOperatorKey(OPERATOR, { name: "Bob (billing ops)" })).key;
    const p = { accountId: a.id };
    const A = `/api/ops/v1/accounts/${a.id}`;
    const body = { amount: "20.00", expiresAt: "2026-12-31T00:00:00Z", reason: "goodwill" };

    for (const key of [accountKey, null, "bop_not-a-key"]) {
      const r = await call(vouchersPOST as Route, "POST", `${A}/vouchers`, p, key, body);
      expect(r.status, String(key)).toBe(key === accountKey ? 403 : 401);
    }
    expect((await call(accountGET as Route, "GET", A, p, accountKey)).status).toBe(403);
    await expect(operatorKeyCaller(null, a.caller)).rejects.toMatchObject({ status: 403 });
    await expect(createOperatorKey(a.caller, { name: "sneaky" })).rejects.toMatchObject({ status: 403 });
    expect(await f.db().select().from(vouchers).where(eq(vouchers.accountId, a.id))).toEqual([]);

    const v = await call(vouchersPOST as Route, "POST", `${A}/vouchers`, p, opKey, body);
    expect(v.status).toBe(201);
    expect(v.json.data).toMatchObject({ faceValue: "20.00", remaining: "20.00", used: "0.00", issuedBy: "Bob (billing ops)", reason: "goodwill", revokedAt: null });
    expect((await call(vouchersPOST as Route, "POST", `${A}/vouchers`, p, opKey, { ...body, code: v.json.data.code })).status).toBe(409);
    const c = await call(couponsPOST as Route, "POST", `${A}/coupons`, p, opKey, { percentOff: "15", maxValue: "30.00", usageLimit: 3, expiresAt: "2026-12-31T00:00:00Z", reason: "promo" });
    expect(c.status).toBe(201);
    expect(c.json.data).toMatchObject({ percentOff: "15", amountOff: null, maxValue: "30.00", usageLimit: 3, timesUsed: 0 });
    expect((await call(couponRevokePOST as Route, "POST", `${A}/coupons/${c.json.data.id}/revoke`, { ...p, couponId: c.json.data.id }, opKey, { reason: "ended" })).json.data).toMatchObject({ revokedAmount: "30.00", remaining: "0.00" });
    expect((await call(voucherRevokePOST as Route, "POST", `${A}/vouchers/nope/revoke`, { ...p, voucherId: "nope" }, opKey, { reason: "ended" })).status).toBe(404);
    const adj = await call(adjustmentsPOST as Route, "POST", `${A}/adjustments`, p, opKey, { kind: "credit", amount: "4.00", billingCycle: "2026-03", productId: "cloud-phone", reason: "SLA credit" });
    expect(adj.status).toBe(201);
    expect(adj.json.data).toMatchObject({ kind: "credit", amount: "4.00", billingCycle: "2026-03", inCycle: "2026-04", issuedBy: "Bob (billing ops)" });
    expect((await call(adjustmentsGET as Route, "GET", `${A}/adjustments`, p, opKey)).json.data).toHaveLength(1);
    expect((await call(accountPATCH as Route, "PATCH", A, p, opKey, { currency: "RUB", reason: "move" })).status).toBe(409);
    expect((await call(accountPATCH as Route, "PATCH", A, p, opKey, { creditLimit: "12.00", reason: "raise" })).json.data).toEqual({ accountId: a.id, currency: "USD", creditLimit: "12.00" });
    expect((await call(accountPATCH as Route, "PATCH", A, p, opKey, "{not json")).status).toBe(400);
    expect((await call(accountPATCH as Route, "PATCH", A, p, opKey, { reason: "nothing to change" })).status).toBe(400);
    const acct = await call(accountGET as Route, "GET", A, p, opKey);
    expect(acct.json.data).toMatchObject({ accountId: a.id, creditLimit: "12.00", vouchers: [expect.objectContaining({ faceValue: "20.00" })], adjustments: [expect.objectContaining({ reason: "SLA credit" })] });
    expect((await call(accountGET as Route, "GET", "/api/ops/v1/accounts/nobody", { accountId: "nobody" }, opKey)).status).toBe(404);

    // The audit log names the key's holder.
    expect((await listAudit(OPERATOR, {}, a.id)).data.every((e) => e.actorOperatorName === "Bob (billing ops)")).toBe(true);
    // A revoked operator key is refused from its next request.
    const other = await createOperatorKey(OPERATOR, { name: "temp" });
    await revokeOperatorKey(OPERATOR, other.id);
    expect((await call(accountGET as Route, "GET", A, p, other.key)).status).toBe(401);

    const { violations, checked } = contractViolations(seen);
    expect(violations).toEqual([]);
    expect(checked.size).toBeGreaterThanOrEqual(7);
  });

  it("random and malformed bodies get a 4xx, never a 5xx, and write nothing", async () => {
    const a = await phoneAccount();
    await f.clock(a.caller, new Date("2026-04-02T00:00:00Z"));
    const opKey = (await createOperatorKey(OPERATOR, { name: "fuzz" })).key;
    const A = `/api/ops/v1/accounts/${a.id}`;
    const p = { accountId: a.id };
    const field = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.string({ unit: "binary", maxLength: 10 }),
      fc.constantFrom(null, true, 0, -1, 1e308, "1e3", "12.345", "-0.01", "0", "2026-13", "2026-03", "credit", "debit", "cloud-phone", "\u0000", "\ud800", "2026-02-30T00:00:00Z"),
    );
    // Plausible fields with random values: every combination that is not valid must be refused.
    const body = fc.record(
      { kind: field, amount: field, billingCycle: field, productId: field, reason: fc.constantFrom("", "x", "\u0000bad"), percentOff: field, maxValue: field, expiresAt: field, creditLimit: field, currency: field },
      { requiredKeys: [] },
    );
    const routes = [
      [vouchersPOST, "POST", `${A}/vouchers`],
      [couponsPOST, "POST", `${A}/coupons`],
      [adjustmentsPOST, "POST", `${A}/adjustments`],
      [accountPATCH, "PATCH", A],
    ] as const;
    const written = async () =>
      Promise.all([vouchers, coupons, adjustments, auditLog].map(async (t) => (await f.db().select().from(t).where(eq(t.accountId, a.id))).length)).then(async (n) => [...n, (await f.acc(a.id)).creditLimit]);
    const before = await written();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), fc.oneof(body, fc.jsonValue()), async ([route, method, path], b) => {
        const r = await call(route as Route, method, path, p, opKey, b);
        expect(r.status, JSON.stringify(b)).toBeGreaterThanOrEqual(400);
        expect(r.status).toBeLessThan(500);
        expect(r.json.error.message).toEqual(expect.any(String));
      }),
      { numRuns: 150 },
    );
    expect(await written()).toEqual(before);
  });
});
