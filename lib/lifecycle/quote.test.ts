// Every quote formula worked by hand against the shipped catalog, and every
// refusal with its message (docs/billing-rules.md#lifecycle-actions).
import { beforeAll, describe, expect, it } from "vitest";
import { readCatalogFile, type Catalog } from "@/lib/billing/catalog";
import { lifecycleInput } from "./input";
import { ActionRefusedError, quoteAction, type QuoteContext, type ResourceState, type TermOrder } from "./quote";

let catalog: Catalog;
beforeAll(async () => {
  catalog = await readCatalogFile();
});

const at = (iso: string) => new Date(iso);

function ctx(resource: Partial<ResourceState>, over: Partial<QuoteContext> = {}): QuoteContext {
  return {
    catalog,
    account: { currency: "USD", timeZone: "UTC", overdueSince: null },
    resource: {
      id: "res-1",
      productId: "cloud-phone",
      spec: "acp.std.large",
      regionId: "cn-hangzhou",
      instanceCount: 5,
      billingMethod: "payg",
      status: "active",
      billingAnchorAt: at("2026-11-01T00:00:00Z"),
      expiresAt: null,
      ...resource,
    },
    now: at("2026-11-01T09:00:00Z"),
    unpaidOrderNo: null,
    termOrders: [],
    ...over,
  };
}

const input = (v: unknown) => lifecycleInput.parse(v);
const refusal = (c: QuoteContext, v: unknown) => {
  try {
    quoteAction(c, input(v));
  } catch (e) {
    expect(e).toBeInstanceOf(ActionRefusedError);
    expect((e as ActionRefusedError).status).toBe(409);
    return (e as Error).message;
  }
  throw new Error("expected a refusal");
};

const imageSearch = (spec: string, termOrders: TermOrder[] = [], over: Partial<QuoteContext> = {}) =>
  ctx(
    { productId: "image-search", spec, regionId: "cn-shanghai", instanceCount: 1, billingMethod: "subscription", expiresAt: at("2026-12-01T00:00:00Z") },
    { now: at("2026-11-16T00:00:00Z"), termOrders, ...over },
  );
const isMonth: TermOrder = { orderType: "new", termStart: at("2026-11-01T00:00:00Z"), termEnd: at("2026-12-01T00:00:00Z"), months: 1, cash: "800.00" };

describe("switch pay-as-you-go → subscription", () => {
  it("Cloud Phone acp.std.large × 5 switched after 9 hours: 3 months, and the running period to the instant", () => {
    const q = quoteAction(ctx({}), input({ action: "switch", months: "3" }));
    // 21.3353 × 3 × 5 = 320.0295 → 320.03.
    expect([q.orderType, q.originalAmount, q.discountAmount, q.payableAmount]).toEqual(["conversion", "320.03", "0.00", "320.03"]);
    // Periods 0–4 h and 4–8 h are whole; the third runs 1 h: 0.0808 × 1 h × 5 = 0.404 → 0.40.
    expect(q.paygFinalCharge).toBe("0.40");
    expect(q.termStart.toISOString()).toBe("2026-11-01T09:00:00.000Z");
    expect(q.termEnd.toISOString()).toBe("2027-02-01T09:00:00.000Z");
  });

  it("12 months carry the catalog's 15% term discount", () => {
    const q = quoteAction(ctx({}), input({ action: "switch", months: 12 }));
    // 21.3353 × 12 × 5 = 1280.118 → 1280.12; 15% = 192.0177 → 192.02; payable 1088.10.
    expect([q.originalAmount, q.discountAmount, q.payableAmount]).toEqual(["1280.12", "192.02", "1088.10"]);
    // The worked formula as keys and values (the console words them), and in English for the API.
    expect(q.steps).toEqual([
      { key: "monthly", values: { price: "21.3353", currency: "USD", months: 12, instances: 5, amount: "1280.12" } },
      { key: "discount", values: { months: 12, rate: "0.15", amount: "192.02" } },
      { key: "paygStop", values: { hours: "1", price: "0.0808", instances: 5, amount: "0.40" } },
    ]);
    expect(q.explanation).toEqual([
      "21.3353 USD/month × 12 month(s) × 5 instance(s) = 1280.12",
      "12-month discount 15%: −192.02",
      "Pay-as-you-go stops now: the running period is charged for 1 h × 0.0808 × 5 = 0.40",
    ]);
  });

  it("Hong Kong & outside China prices: globex's 2 × acp.std.small for 3 months", () => {
    const q = quoteAction(ctx({ spec: "acp.std.small", regionId: "eu-central-1", instanceCount: 2 }), input({ action: "switch", months: 3 }));
    // 21.4953 × 3 × 2 = 128.9718 → 128.97.
    expect(q.payableAmount).toBe("128.97");
  });

  it("on a period boundary nothing runs: no partial charge", () => {
    expect(quoteAction(ctx({}, { now: at("2026-11-01T08:00:00Z") }), input({ action: "switch", months: 1 })).paygFinalCharge).toBeNull();
  });

  it("refuses what the prerequisites forbid, each with its reason", () => {
    expect(refusal(ctx({ status: "overdue" }), { action: "switch", months: 1 })).toMatch(/is overdue: only an active resource can be switched/);
    expect(refusal(ctx({ status: "released" }), { action: "switch", months: 1 })).toMatch(/is released: only an active resource/);
    expect(refusal(ctx({}, { unpaidOrderNo: "20261101123" }), { action: "switch", months: 1 })).toMatch(/unpaid order 20261101123: pay or cancel it first/);
    expect(refusal(ctx({ billingMethod: "subscription" }), { action: "switch", months: 1, billingMethod: "payg" })).toMatch(/Cloud Phone cannot switch from subscription back to pay-as-you-go/);
    expect(refusal(ctx({ billingMethod: "subscription" }), { action: "switch", months: 1 })).toMatch(/already a subscription/);
    expect(refusal(ctx({ productId: "oss", spec: null }), { action: "switch", months: 1 })).toMatch(/not sold by subscription/);
    expect(refusal(ctx({}, { account: { currency: "USD", timeZone: "UTC", overdueSince: at("2026-10-30T00:00:00Z") } }), { action: "switch", months: 1 })).toMatch(
      /overdue since 2026-10-30T00:00:00.000Z: purchases are refused/,
    );
  });

  it("rejects durations not on sale", () => {
    expect(lifecycleInput.safeParse({ action: "switch", months: 5 }).success).toBe(false);
    expect(lifecycleInput.safeParse({ action: "renew", months: "x" }).success).toBe(false);
    expect(lifecycleInput.safeParse({ action: "teleport" }).success).toBe(false);
  });
});

describe("renew", () => {
  const sub = { billingMethod: "subscription" as const, expiresAt: at("2026-12-01T00:00:00Z") };

  it("extends from the current end date", () => {
    const q = quoteAction(ctx(sub), input({ action: "renew", months: 2 }));
    // 21.3353 × 2 × 5 = 213.353 → 213.35.
    expect([q.orderType, q.payableAmount, q.termStart.toISOString(), q.termEnd.toISOString()]).toEqual(["renewal", "213.35", "2026-12-01T00:00:00.000Z", "2027-02-01T00:00:00.000Z"]);
  });

  it("an expired resource starts a new term now", () => {
    const q = quoteAction(ctx({ ...sub, status: "expired", expiresAt: at("2026-10-20T00:00:00Z") }), input({ action: "renew", months: 1 }));
    expect([q.termStart.toISOString(), q.termEnd.toISOString()]).toEqual(["2026-11-01T09:00:00.000Z", "2026-12-01T09:00:00.000Z"]);
  });

  it("refusals: pay-as-you-go, released, overdue, unpaid order, the trial", () => {
    expect(refusal(ctx({}), { action: "renew", months: 1 })).toMatch(/Only a subscription can be renewed; res-1 is billed pay-as-you-go/);
    expect(refusal(ctx({ ...sub, status: "released" }), { action: "renew", months: 1 })).toMatch(/has been released/);
    expect(refusal(ctx(sub, { account: { currency: "USD", timeZone: "UTC", overdueSince: at("2026-10-30T00:00:00Z") } }), { action: "renew", months: 1 })).toMatch(/renewals are refused/);
    expect(refusal(ctx(sub, { unpaidOrderNo: "N1" }), { action: "renew", months: 1 })).toMatch(/unpaid order N1/);
    expect(refusal(imageSearch("100k-1"), { action: "renew", months: 1 })).toMatch(/free trial package cannot be renewed/);
  });
});

describe("upgrade / downgrade", () => {
  it("Image Search 2.5M/5 → 5M/10 half-way through the month: (2,900 − 800) × 15/30 = 1,050.00", () => {
    const q = quoteAction(imageSearch("2.5m-5", [isMonth]), input({ action: "change-spec", spec: "5m-10" }));
    expect([q.orderType, q.payableAmount, q.termEnd.toISOString()]).toEqual(["upgrade", "1050.00", "2026-12-01T00:00:00.000Z"]);
  });

  it("the way back is a downgrade refund of the same difference", () => {
    const q = quoteAction(imageSearch("5m-10", [isMonth]), input({ action: "change-spec", spec: "2.5m-5" }));
    expect([q.orderType, q.payableAmount]).toEqual(["downgrade", "-1050.00"]);
  });

  it("Container Registry Basic → Advanced (China) with 10 of 30 days left: (428 − 113) × 10/30 = 105.00", () => {
    const c = ctx(
      { productId: "container-registry-enterprise", spec: "basic", regionId: "cn-beijing", instanceCount: 1, billingMethod: "subscription", expiresAt: at("2026-12-01T00:00:00Z") },
      { now: at("2026-11-21T00:00:00Z"), termOrders: [{ ...isMonth, cash: "113.00" }] },
    );
    expect(quoteAction(c, input({ action: "change-spec", spec: "advanced" })).payableAmount).toBe("105.00");
  });

  it("Cloud Phone spec over a renewed 3 + 1 month term values both months", () => {
    const c = ctx(
      { billingMethod: "subscription", spec: "acp.std.small", instanceCount: 2, expiresAt: at("2027-03-01T00:00:00Z") },
      {
        now: at("2027-01-15T00:00:00Z"),
        termOrders: [
          { orderType: "conversion", termStart: at("2026-11-01T00:00:00Z"), termEnd: at("2027-02-01T00:00:00Z"), months: 3, cash: "83.21" },
          { orderType: "renewal", termStart: at("2027-02-01T00:00:00Z"), termEnd: at("2027-03-01T00:00:00Z"), months: 1, cash: "27.74" },
        ],
      },
    );
    // cn std.small 13.8679 → std.large 21.3353 over 4 months × 2: 110.94 → 170.68;
    // remaining 45 days of 120: (170.68 − 110.94) × 3,888,000 / 10,368,000 = 22.4025 → 22.40.
    expect(quoteAction(c, input({ action: "change-spec", spec: "acp.std.large" })).payableAmount).toBe("22.40");
  });

  it("refusals: same spec, unknown spec, the trial, no term, overdue, not offered", () => {
    expect(refusal(imageSearch("2.5m-5", [isMonth]), { action: "change-spec", spec: "2.5m-5" })).toMatch(/already has spec 2.5m-5/);
    expect(refusal(imageSearch("2.5m-5", [isMonth]), { action: "change-spec", spec: "9m-9" })).toMatch(/has no spec "9m-9"/);
    expect(refusal(imageSearch("2.5m-5", [isMonth]), { action: "change-spec", spec: "100k-1" })).toMatch(/free trial package cannot be bought/);
    expect(refusal(imageSearch("2.5m-5", []), { action: "change-spec", spec: "5m-10" })).toMatch(/no running subscription term/);
    expect(
      refusal(imageSearch("2.5m-5", [isMonth], { account: { currency: "USD", timeZone: "UTC", overdueSince: at("2026-11-10T00:00:00Z") } }), { action: "change-spec", spec: "5m-10" }),
    ).toMatch(/upgrades and downgrades are refused/);
    expect(refusal(ctx({ productId: "oss", spec: null, billingMethod: "payg" }), { action: "change-spec", spec: "x" })).toMatch(/no packages, editions or specs to change/);
    expect(refusal(ctx({}), { action: "change-spec", spec: "acp.std.small" })).toMatch(/Only a subscription can be upgraded or downgraded/);
  });

  it("10M/5 bought on the 1st → 20M/10 on the 21st of a 30-day month: (10,300 − 2,900) × 10/30 = 2,466.67", () => {
    const c = imageSearch("10m-5", [isMonth], { now: at("2026-11-21T00:00:00Z") });
    expect(quoteAction(c, input({ action: "change-spec", spec: "20m-10" })).payableAmount).toBe("2466.67");
  });
});

describe("unsubscribe", () => {
  const threeMonths: TermOrder = { orderType: "conversion", termStart: at("2026-01-01T00:00:00Z"), termEnd: at("2026-04-01T00:00:00Z"), months: 3, cash: "300.00" };
  const sub = (over: Partial<QuoteContext> = {}) =>
    ctx({ billingMethod: "subscription", expiresAt: at("2026-04-01T00:00:00Z") }, { now: at("2026-01-10T12:00:00Z"), termOrders: [threeMonths], ...over });

  it("on day 10 of a 3-month (90-day) term: 300 × 80 unused whole days / 90 = 266.67", () => {
    const q = quoteAction(sub(), input({ action: "unsubscribe" }));
    expect([q.orderType, q.payableAmount]).toEqual(["refund", "-266.67"]);
    expect(q.steps.map((s) => s.key)).toEqual(["orderRefund", "refund"]);
    expect(q.explanation).toEqual([
      "conversion: cash 300.00 × 80 unused day(s) / 90 = 266.67",
      "Refund to balance 266.67 (vouchers and coupons are not refunded); the resource is released.",
    ]);
  });

  it("a renewal not yet started is refunded in full; a downgrade refund already given is netted", () => {
    const renewal: TermOrder = { orderType: "renewal", termStart: at("2026-04-01T00:00:00Z"), termEnd: at("2026-05-01T00:00:00Z"), months: 1, cash: "100.00" };
    // 266.67 + 100.00 (30/30 unused) = 366.67.
    expect(quoteAction(sub({ termOrders: [threeMonths, renewal] }), input({ action: "unsubscribe" })).payableAmount).toBe("-366.67");
    const downgrade: TermOrder = { orderType: "downgrade", termStart: at("2026-01-05T00:00:00Z"), termEnd: at("2026-04-01T00:00:00Z"), months: null, cash: "-86.00" };
    // Downgrade on Jan 5 refunded 86.00 over 86 days; 80 of them unused: −80.00. 266.67 − 80.00 = 186.67.
    expect(quoteAction(sub({ termOrders: [threeMonths, downgrade] }), input({ action: "unsubscribe" })).payableAmount).toBe("-186.67");
  });

  it("vouchers and coupons are not refunded: only the cash part counts (a voucher-paid order refunds 0)", () => {
    expect(quoteAction(sub({ termOrders: [{ ...threeMonths, cash: "0.00" }] }), input({ action: "unsubscribe" })).payableAmount).toBe("0.00");
  });

  it("refusals: part of an instance group, pay-as-you-go, already released", () => {
    expect(refusal(sub(), { action: "unsubscribe", instanceCount: 2 })).toMatch(/unsubscribed as a whole: all 5 instances, not 2/);
    expect(refusal(ctx({}), { action: "unsubscribe" })).toMatch(/Only a subscription can be unsubscribed/);
    expect(refusal(ctx({ billingMethod: "subscription", status: "released" }), { action: "unsubscribe" })).toMatch(/has been released/);
  });
});
