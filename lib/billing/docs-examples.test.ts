// The worked examples of docs/billing-rules.md, recomputed from the shipped
// catalog by the rating code: the page fails this test when it and the code
// disagree. Each figure is written in the page as shown in `expect(...)`.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_CATALOG_PATH, findPrice, parseCatalog, termDiscountOf } from "@/lib/billing/catalog";
import { phoneDayLines, phonePeriods } from "@/lib/billing/rules/phone-period";
import { rateStorage } from "@/lib/billing/rules/storage-gb-month";
import { rateEgress } from "@/lib/billing/rules/egress-tiered";
import { rateScans } from "@/lib/billing/rules/per-scan";
import { changeDifference, orderAmount, unsubscribeRefund } from "@/lib/billing/rules/subscription";
import { settleLine } from "@/lib/billing/settle";
import { suspensionQuota } from "@/lib/billing/overdue-quota";
import { policyFor } from "@/lib/overdue/policies";
import { dec, sum, type D } from "@/lib/money";

const doc = readFileSync(path.join(process.cwd(), "docs", "billing-rules.md"), "utf8").replace(/\s+/g, " ");
const catalog = parseCatalog(JSON.parse(readFileSync(DEFAULT_CATALOG_PATH, "utf8")));
const t = (s: string) => new Date(s);
const money = (d: D) => d.toFixed(2);
/** "1,825.80": the page groups thousands. */
const grouped = (d: D) => d.toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/, ",");

function price(itemId: string, o: { spec?: string; billingMethod?: "payg" | "subscription"; regionId?: string; at?: string } = {}) {
  return findPrice(catalog, {
    itemId,
    regionId: o.regionId ?? "cn-hangzhou",
    spec: o.spec ?? null,
    billingMethod: o.billingMethod ?? "payg",
    currency: "USD",
    at: t(o.at ?? "2026-11-01T00:00:00Z"),
  });
}

const inDoc = (text: string) => expect(doc.includes(text), `docs/billing-rules.md should say: ${text}`).toBe(true);

describe("docs/billing-rules.md worked examples", () => {
  it("Cloud Phone periods", () => {
    const hourly = price("cloud-phone.instance", { spec: "acp.std.large" }).unitPrice;
    const periods = phonePeriods({ anchorAt: t("2026-11-02T09:00:00Z"), hourlyPrice: hourly, instances: 3, until: t("2026-11-03T12:00:00Z"), overdueAt: t("2026-11-03T02:30:00Z") });
    expect(periods.map((p) => money(p.amount))).toEqual(["0.97", "0.97", "0.97", "0.97", "0.36"]);
    inDoc(`${hourly} × 4 × 3 = ${hourly.times(12)} → ${money(periods[0].amount)}`);
    inDoc(`${periods[4].chargedSeconds.toLocaleString("en-US")} s | ${hourly} × 1.5 × 3 = ${hourly.times(4.5)} → ${money(periods[4].amount)}`);
    const [d1, d2] = phoneDayLines(periods, "UTC");
    inDoc(`2026-11-02, ${d1.instanceHours} instance-hours, **${money(d1.amount)}**`);
    inDoc(`2026-11-03, ${d2.instanceHours} instance-hours, 0.97 + 0.36 = **${money(d2.amount)}**`);
    const released = phonePeriods({ anchorAt: t("2026-11-02T09:00:00Z"), hourlyPrice: hourly, instances: 3, until: t("2026-11-03T12:00:00Z"), releasedAt: t("2026-11-02T14:10:00Z") });
    expect(released.at(-1)).toMatchObject({ reason: "released", chargedSeconds: 4 * 3600, dueAt: t("2026-11-02T14:10:00Z") });
    inDoc(`charged in full (${money(released.at(-1)!.amount)}), due at 14:10`);

    const basic = price("cloud-phone.instance", { spec: "acp.basic.small" }).unitPrice;
    const day = phoneDayLines(phonePeriods({ anchorAt: t("2026-11-01T00:00:00Z"), hourlyPrice: basic, instances: 1, until: t("2026-11-03T00:00:00Z") }), "UTC")[1];
    expect(day.periods).toBe(6);
    inDoc(`6 periods of ${basic} × 4 = ${basic.times(4)} → 0.18, so the day line is **${money(day.amount)}**, not ${basic} × 24 = ${basic.times(24)} → ${money(basic.times(24).toDecimalPlaces(2))}`);
  });

  it("storage in GB-month", () => {
    const p = price("registry-storage.storage").unitPrice;
    const gb = (n: number) => String(n * 1024 ** 3);
    const layer = { digest: "sha256:a", bytes: gb(15), from: t("2026-11-10T08:00:00Z"), to: t("2026-11-10T19:30:00Z") };
    const [line] = rateStorage({ intervals: [layer], pricePerGbMonth: p, until: t("2026-12-01T00:00:00Z"), tz: "UTC" });
    inDoc(`${p} × 15 × 12 / 24 / 30 = ${p.times(15).times(12).div(24).div(30)} → **${money(line.amount)}**, with a quantity of ${line.quantityGbMonth} GB-month`);
    const shared = rateStorage({ intervals: [layer, { ...layer, from: t("2026-11-10T12:00:00Z"), to: t("2026-11-10T15:00:00Z") }], pricePerGbMonth: p, until: t("2026-12-01T00:00:00Z"), tz: "UTC" });
    expect(shared.map((l) => l.mbSeconds.toString())).toEqual([line.mbSeconds.toString()]);
    const month = rateStorage({ intervals: [{ digest: "sha256:b", bytes: gb(500), from: t("2026-11-01T00:00:00Z"), to: null }], pricePerGbMonth: p, until: t("2026-12-01T00:00:00Z"), tz: "UTC" });
    expect(month).toHaveLength(30);
    inDoc(`30 daily lines of ${p} × 500 × 24 / 24 / 30 = 0.3333… → **${money(month[0].amount)}**, so the month costs **${money(sum(month.map((l) => l.amount)))}**`);
  });

  it("tiered egress", () => {
    const p = price("registry-storage.egress");
    expect(p.tiers).toHaveLength(2);
    inDoc(`the first ${p.tiers![0].upTo} GB free, then ${p.tiers![1].unitPrice} per GB`);
    const lines = rateEgress({
      tiers: p.tiers!,
      tz: "UTC",
      records: [
        { instanceId: "cr-a", at: t("2026-11-01T10:00:00Z"), gb: "6", network: "internet" },
        { instanceId: "cr-a", at: t("2026-11-02T10:00:00Z"), gb: "7", network: "internet" },
        { instanceId: "cr-a", at: t("2026-11-03T10:00:00Z"), gb: "30", network: "internet" },
        { instanceId: "cr-b", at: t("2026-11-03T11:00:00Z"), gb: "20", network: "internet" },
        { instanceId: "cr-b", at: t("2026-11-03T11:00:00Z"), gb: "100", network: "vpc" },
      ],
    });
    const [d1, d2, a3, b3, vpc] = lines.map((l) => money(l.amount));
    inDoc(`| 6 | 0.00 | ${d1} |`);
    inDoc(`3 × 0.012 = 0.036 → 0.04 | ${d2} |`);
    inDoc(`53 × 0.012 = 0.636 → 0.64 | 0.60: cr-a **${a3}**, cr-b **${b3}**, VPC ${vpc} |`);
  });

  it("scanner per scan", () => {
    const priceAt = (at: Date) => price("registry-storage.scanner", { at: at.toISOString() }).unitPrice;
    expect(money(priceAt(t("2023-04-23T23:59:59Z")))).toBe("0.00");
    inDoc(`free before 2023-04-24 00:00 UTC, ${priceAt(t("2023-04-24T00:00:00Z"))} per scan from then`);
    const scans = [
      ...Array.from({ length: 10 }, (_, i) => ({ id: `a${i}`, instanceId: "cr-a", at: t("2023-04-23T22:00:00Z") })),
      ...Array.from({ length: 10 }, (_, i) => ({ id: `b${i}`, instanceId: "cr-a", at: t("2023-04-24T02:00:00Z") })),
    ];
    const utc = rateScans({ scans, priceAt, tz: "UTC" });
    inDoc(`04-23, 10 scans, ${money(utc[0].amount)}; 04-24, 10 × 0.15 = **${money(utc[1].amount)}**`);
    const [shanghai] = rateScans({ scans, priceAt, tz: "Asia/Shanghai" });
    expect(shanghai.unitPrice).toBeNull();
    inDoc(`its 24 April, ${shanghai.scans} scans, **${money(shanghai.amount)}**, with the unit price left blank`);
  });

  it("subscriptions and term discounts", () => {
    const phone = price("cloud-phone.instance", { spec: "acp.std.large", billingMethod: "subscription" }).unitPrice;
    const o = orderAmount({ monthlyPrice: phone, months: 12, instances: 3, discountRate: termDiscountOf(catalog, "cloud-phone", 12) });
    inDoc(`${phone} × 12 × 3 = ${phone.times(36)} → **${money(o.original)}**; 15 % off: ${phone.times(36).times(termDiscountOf(catalog, "cloud-phone", 12))} → **${money(o.discount)}**; payable **${money(o.payable)}**`);
    const cr = price("container-registry-enterprise.instance", { spec: "basic", billingMethod: "subscription", regionId: "ap-southeast-1" }).unitPrice;
    const year = orderAmount({ monthlyPrice: cr, months: 12, instances: 1, discountRate: termDiscountOf(catalog, "container-registry-enterprise", 12) });
    const quarter = orderAmount({ monthlyPrice: cr, months: 3, instances: 1, discountRate: termDiscountOf(catalog, "container-registry-enterprise", 3) });
    expect(quarter.discount.isZero()).toBe(true);
    inDoc(`${cr} × 12 = **${grouped(year.original)}**, 15 % off **${money(year.discount)}**, payable **${grouped(year.payable)}**; for 3 months: **${money(quarter.payable)}**, no discount`);
    expect(termDiscountOf(catalog, "image-search", 1).isZero() && termDiscountOf(catalog, "image-search", 12).isZero()).toBe(true);
    inDoc(`a 2.5M/5 package for a month is **${money(price("image-search.package", { spec: "2.5m-5", billingMethod: "subscription" }).unitPrice)}**`);
  });

  it("upgrades, downgrades and the trial", () => {
    const is = (spec: string) => price("image-search.package", { spec, billingMethod: "subscription" }).unitPrice;
    const term = { termStart: t("2026-11-01T00:00:00Z"), termEnd: t("2026-12-01T00:00:00Z") };
    const up = changeDifference({ ...term, oldValue: is("2.5m-5"), newValue: is("5m-10"), at: t("2026-11-11T00:00:00Z") });
    inDoc(`(${grouped(is("5m-10")).replace(".00", "")} − ${is("2.5m-5")}) × 1,728,000 / 2,592,000 = **${grouped(up.amount)}** to pay`);
    const down = changeDifference({ ...term, oldValue: is("5m-10"), newValue: is("2.5m-10"), at: t("2026-11-21T00:00:00Z") });
    expect(down).toMatchObject({ kind: "refund", remainingSeconds: 864_000, termSeconds: 2_592_000 });
    inDoc(`−466.666… → **${money(down.amount).replace("-", "−")}**, refunded`);
    const trial = changeDifference({ ...term, oldValue: 0, newValue: is("2.5m-5"), at: t("2026-11-16T00:00:00Z") });
    inDoc(`from the free trial (value 0) → 2.5M/5 (800): **${money(trial.amount)}** to pay`);
    inDoc(`the 100K/1 package, one month, once per account, never renewed and not reachable by a package change. Its list price (${is("100k-1")})`);
  });

  it("settlement order", () => {
    const from = t("2026-01-01T00:00:00Z");
    const to = t("2030-01-01T00:00:00Z");
    const s = settleLine({
      pretax: "100.00",
      quantity: "10",
      product: "oss",
      item: "oss.storage",
      at: t("2026-11-05T00:00:00Z"),
      plans: [{ id: "plan", product: "oss", item: "oss.storage", remaining: dec(2), validFrom: from, validTo: to }],
      coupons: [{ id: "coupon", products: null, percentOff: dec(10), remaining: dec(50), validFrom: from, validTo: to }],
      vouchers: [{ id: "voucher", products: null, remaining: dec(30), validFrom: from, validTo: to }],
      balance: "25.00",
      creditLimit: "0",
    });
    expect(s.overdue).toBe(true);
    inDoc(
      `plan **${money(s.deductedByResourcePlan)}** (100 × 2 / 10), coupon **${money(s.deductedByCoupons)}** (10 % of 80), voucher **${money(s.deductedByVouchers)}**, balance **${money(s.paidFromBalance)}**, outstanding **${money(s.outstanding)}**`,
    );
  });

  it("overdue quota and timelines", () => {
    inDoc(`spend 123.45 → quota **${money(suspensionQuota(["123.45"]))}**`);
    const phone = policyFor("stop-payg").overdue.payg!;
    expect(phone.releaseAfterMs).toBe(15 * 86_400_000);
    inDoc(`overdue at 2026-11-03 02:30 UTC is released at ${new Date(t("2026-11-03T02:30:00Z").getTime() + phone.releaseAfterMs).toISOString().slice(0, 16).replace("T", " ")} UTC`);
    inDoc(`released (data deleted) ${policyFor("restrict").overdue.subscription!.releaseAfterMs / 3_600_000} h after it became overdue`);
  });

  it("unsubscribe refund", () => {
    const r = unsubscribeRefund({ cashPaid: "652.86", termStart: t("2026-01-01T00:00:00Z"), termEnd: t("2027-01-01T00:00:00Z"), at: t("2026-11-30T05:00:00Z"), tz: "UTC" });
    inDoc(`${r.termDays} days) unsubscribed at 2026-11-30 05:00 UTC: ${r.unusedDays} unused whole days, 652.86 × ${r.unusedDays} / ${r.termDays} = 55.448… → **${money(r.refund)}** refunded`);
  });
});
