// The rules of the JavaScript mapping kept as the FOCUS export's oracle
// (./focus-oracle.ts); focus-sql-oracle.test.ts holds the SQL to it byte for byte.
import { describe, expect, it } from "vitest";
import { csvHeader, csvRow } from "@/lib/exports/csv";
import { CHARGE_CATEGORIES, FOCUS_COLUMNS, FOCUS_MANDATORY } from "@/lib/exports/focus";
import { FOCUS_CSV_COLUMNS, focusRecords, focusTags, focusUnit, type FocusSource } from "./focus-oracle";

const base: FocusSource = {
  accountId: "acme",
  accountName: "Acme Robotics",
  timeZone: "Asia/Shanghai",
  billingCycle: "2026-10",
  billDate: "2026-10-31",
  lineType: "usage",
  productName: "Cloud Phone",
  serviceCategory: "Compute",
  serviceSubcategory: "End User Computing",
  productDetail: "acp.basic.small",
  instanceId: "cp-1",
  instanceName: "=cmd|' /C calc'!A0",
  regionId: "cn-hangzhou",
  regionName: "China (Hangzhou)",
  zoneId: "cn-hangzhou-h",
  billableItemId: "cloud-phone.instance",
  billableItemName: "Instance",
  usageQuantity: "24.000000",
  usageUnit: "instance-hour",
  unitPrice: "0.125000",
  originalAmount: "3.004",
  pretaxAmount: "2.995",
  deductedByResourcePlan: "0",
  deductedByCoupons: "0",
  deductedByVouchers: "0",
  tags: null,
  resourceGroup: null,
  currency: "USD",
  billId: "bill-1",
  orderNo: null,
  orderType: null,
  orderQuantity: null,
  correctsCycle: null,
  correctsDate: null,
  chargePeriod: null,
  sku: {
    skuId: "cloud-phone.instance",
    skuPriceId: "cloud-phone.instance.phone-cn.acp.basic.small.payg",
    meter: "Instance",
    details: { InstanceType: "acp.basic.small", CoreCount: 2 },
    listUnitPrice: "0.125",
  },
};

describe("focusUnit", () => {
  it.each([
    ["instance-hour", "Instance-Hours"],
    ["GB-month", "GB-Months"],
    ["hour", "Hours"],
    ["month", "Months"],
    ["scan", "Scans"],
    ["GB", "GB"],
    ["instance-day", "Instance-Days"],
  ])("%s → %s", (unit, expected) => expect(focusUnit(unit)).toBe(expected));
});

describe("focusRecords", () => {
  it("fills all 21 mandatory columns and the SKU columns of a usage charge", () => {
    expect(FOCUS_MANDATORY).toHaveLength(21);
    const [r, ...more] = focusRecords(base);
    expect(more).toEqual([]);
    for (const c of FOCUS_MANDATORY.filter((c) => c !== "ChargeClass")) expect(r[c], c).toBeTruthy();
    expect(CHARGE_CATEGORIES).toContain(r.ChargeCategory);
    expect(r.BilledCost).toBe("3.00");
    expect(r.ListCost).toBe("3.00");
    // Periods are the zone's local midnights, as UTC instants; end exclusive.
    expect(r.BillingPeriodStart).toBe("2026-09-30T16:00:00Z");
    expect(r.BillingPeriodEnd).toBe("2026-10-31T16:00:00Z");
    expect(r.ChargePeriodStart).toBe("2026-10-30T16:00:00Z");
    expect(r.ChargePeriodEnd).toBe("2026-10-31T16:00:00Z");
    expect(r.ConsumedQuantity).toBe("24");
    expect(r.PricingUnit).toBe("Instance-Hours");
    expect(r.SkuPriceId).toBe("cloud-phone.instance.phone-cn.acp.basic.small.payg");
    expect(JSON.parse(r.SkuPriceDetails!)).toEqual({ InstanceType: "acp.basic.small", CoreCount: 2 });
    expect(r.ServiceSubcategory).toBe("End User Computing");
    expect(r.AvailabilityZone).toBe("cn-hangzhou-h");
  });

  it("uses a period's own interval as the charge period", () => {
    const [r] = focusRecords({ ...base, chargePeriod: { start: new Date("2026-10-31T04:00:00Z"), end: new Date("2026-10-31T08:00:00Z") } });
    expect([r.ChargePeriodStart, r.ChargePeriodEnd]).toEqual(["2026-10-31T04:00:00Z", "2026-10-31T08:00:00Z"]);
  });

  it("prices a subscription as a Purchase of months × instances at the published monthly price", () => {
    const [r] = focusRecords({
      ...base,
      lineType: "subscription",
      usageUnit: "month",
      originalAmount: "85.34",
      pretaxAmount: "85.34",
      orderType: "new",
      orderQuantity: "4",
      sku: { ...base.sku!, listUnitPrice: "21.3353" },
    });
    expect(r.ChargeCategory).toBe("Purchase");
    expect(r.ChargeFrequency).toBe("One-Time");
    expect([r.ListUnitPrice, r.PricingQuantity, r.PricingUnit, r.ListCost]).toEqual(["21.3353", "4", "Months", "85.34"]);
    expect(r.ConsumedQuantity).toBeNull();
  });

  it("prices a refund as a negative Purchase whose quantity multiplies out to its cost", () => {
    const [r] = focusRecords({
      ...base,
      lineType: "refund",
      originalAmount: "-10.00",
      pretaxAmount: "-10.00",
      orderType: "refund",
      sku: { ...base.sku!, listUnitPrice: "30" },
    });
    expect(r.ChargeCategory).toBe("Purchase");
    expect(r.ChargeClass).toBeNull();
    expect(r.BilledCost).toBe("-10.00");
    expect(Number(r.ListUnitPrice) * Number(r.PricingQuantity)).toBeCloseTo(-10, 6);
  });

  it("marks late usage for a closed cycle as a Usage correction dated on the day it corrects", () => {
    const [r] = focusRecords({ ...base, lineType: "adjustment", billingCycle: "2026-11", billDate: "2026-11-03", correctsCycle: "2026-10", correctsDate: "2026-10-31" });
    expect([r.ChargeCategory, r.ChargeClass]).toEqual(["Usage", "Correction"]);
    expect(r.BillingPeriodStart).toBe("2026-10-31T16:00:00Z");
    expect(r.ChargePeriodStart).toBe("2026-10-30T16:00:00Z");
    // Late usage within the open cycle is plain usage, not a correction.
    const [same] = focusRecords({ ...base, lineType: "adjustment", correctsCycle: "2026-10", correctsDate: "2026-10-30" });
    expect([same.ChargeCategory, same.ChargeClass]).toEqual(["Usage", null]);
  });

  it("shows an operator's credit as an Adjustment of the bill, with no resource", () => {
    const [r] = focusRecords({ ...base, lineType: "adjustment", manualAdjustment: true, instanceId: "", instanceName: "", regionId: "", originalAmount: "-10.00", pretaxAmount: "-10.00", sku: null });
    expect([r.ChargeCategory, r.ChargeClass, r.BilledCost, r.ResourceId, r.ResourceName, r.ResourceType, r.RegionId]).toEqual(["Adjustment", "Correction", "-10.00", null, null, null, null]);
    expect([r.PricingQuantity, r.PricingUnit, r.ListUnitPrice, r.ListCost]).toEqual([null, null, null, "-10.00"]);
  });

  it("takes coupons off BilledCost and EffectiveCost, resource plans off BilledCost only, and shows vouchers as a Credit row", () => {
    const rows = focusRecords({ ...base, originalAmount: "10.00", pretaxAmount: "10.00", deductedByResourcePlan: "2.00", deductedByCoupons: "1.50", deductedByVouchers: "3.00" });
    expect(rows).toHaveLength(2);
    const [charge, credit] = rows;
    expect([charge.ListCost, charge.ContractedCost, charge.EffectiveCost, charge.BilledCost]).toEqual(["10.00", "10.00", "8.50", "6.50"]);
    expect([credit.ChargeCategory, credit.BilledCost, credit.EffectiveCost, credit.ListCost, credit.ContractedCost]).toEqual(["Credit", "-3.00", "-3.00", "-3.00", "-3.00"]);
    expect([credit.SkuId, credit.PricingQuantity, credit.PricingUnit, credit.ListUnitPrice]).toEqual([null, null, null, null]);
    expect(credit.ResourceId).toBe("cp-1");
  });

  it("writes a CSV row whose formula-looking text is neutralised and negative cost numeric", () => {
    expect(csvHeader(FOCUS_CSV_COLUMNS).trim().split(",")).toEqual([...FOCUS_COLUMNS]);
    const [r] = focusRecords({ ...base, lineType: "refund", pretaxAmount: "-5", originalAmount: "-5" });
    const line = csvRow(FOCUS_CSV_COLUMNS, r);
    expect(line).toContain(",-5.00,");
    expect(line).toContain("'=cmd");
  });
});

describe("focusTags (FOCUS 1.2 columns/tags.md)", () => {
  it("keeps user tags unprefixed and puts the resource group under the provider's prefix, as a JSON object", () => {
    expect(JSON.parse(focusTags({ project: "atlas", env: "" }, "platform")!)).toEqual({ project: "atlas", env: "", "billing-console/resource-group": "platform" });
    expect(focusTags({ project: "atlas" }, null)).toBe('{"project":"atlas"}');
  });

  it("is null when the charge carries neither tags nor a group", () => {
    expect(focusTags({}, null)).toBeNull();
    expect(focusTags(null, null)).toBeNull();
    expect(focusRecords(base)[0].Tags).toBeNull();
    expect(focusRecords({ ...base, tags: { team: "web" }, resourceGroup: "prod" })[0].Tags).toBe('{"team":"web","billing-console/resource-group":"prod"}');
  });
});
