import { describe, expect, it } from "vitest";
import { csvHeader, csvRow } from "./csv";
import {
  CHARGE_CATEGORIES,
  FOCUS_COLUMNS,
  FOCUS_CSV_COLUMNS,
  FOCUS_MANDATORY,
  SERVICE_CATEGORIES,
  focusRecord,
  type FocusSource,
} from "./focus";

const base: FocusSource = {
  accountId: "acme",
  accountName: "Acme Robotics",
  timeZone: "Asia/Shanghai",
  billingCycle: "2026-10",
  billDate: "2026-10-31",
  lineType: "usage",
  productName: "Cloud Phone",
  productCategory: "Elastic Computing",
  productDetail: "acp.basic.small",
  instanceId: "cp-1",
  instanceName: "=cmd|' /C calc'!A0",
  regionId: "cn-hangzhou",
  regionName: "China (Hangzhou)",
  billingMethod: "payg",
  billableItemId: "cloud-phone.instance",
  billableItemName: "Instance",
  usageQuantity: "24.000000",
  usageUnit: "hour",
  unitPrice: "0.125000",
  originalAmount: "3.004",
  pretaxAmount: "2.995",
  currency: "USD",
  billId: "bill-1",
  orderNo: null,
};

describe("focusRecord", () => {
  it("fills all 21 mandatory columns with valid values", () => {
    expect(FOCUS_MANDATORY).toHaveLength(21);
    const r = focusRecord(base);
    for (const c of FOCUS_MANDATORY.filter((c) => c !== "ChargeClass")) expect(r[c], c).toBeTruthy();
    expect(CHARGE_CATEGORIES).toContain(r.ChargeCategory);
    expect(SERVICE_CATEGORIES).toContain(r.ServiceCategory);
    expect(r.BilledCost).toBe("3.00");
    expect(r.ListCost).toBe("3.00");
    expect(r.BillingCurrency).toMatch(/^[A-Z]{3}$/);
    // Periods are the zone's local midnights, as UTC instants; end exclusive.
    expect(r.BillingPeriodStart).toBe("2026-09-30T16:00:00Z");
    expect(r.BillingPeriodEnd).toBe("2026-10-31T16:00:00Z");
    expect(r.ChargePeriodStart).toBe("2026-10-30T16:00:00Z");
    expect(r.ChargePeriodEnd).toBe("2026-10-31T16:00:00Z");
    expect(r.ConsumedQuantity).toBe("24");
  });

  it.each([
    ["usage", "1", "Usage"],
    ["subscription", "30", "Purchase"],
    ["refund", "-5", "Credit"],
    ["adjustment", "-1", "Credit"],
    ["adjustment", "2", "Adjustment"],
  ])("maps %s lines of %s to ChargeCategory %s", (lineType, amount, category) => {
    const r = focusRecord({ ...base, lineType, pretaxAmount: amount });
    expect(r.ChargeCategory).toBe(category);
    // Consumed* only for usage.
    expect(r.ConsumedQuantity === null).toBe(category !== "Usage");
  });

  it("marks adjustments as corrections and rolls the period over a year end", () => {
    const r = focusRecord({ ...base, lineType: "adjustment", billingCycle: "2026-12", billDate: "2026-12-31", timeZone: "UTC" });
    expect(r.ChargeClass).toBe("Correction");
    expect(r.BillingPeriodEnd).toBe("2027-01-01T00:00:00Z");
    expect(r.ChargePeriodEnd).toBe("2027-01-01T00:00:00Z");
  });

  it("writes a CSV row whose formula-looking text is neutralised and negative cost numeric", () => {
    expect(csvHeader(FOCUS_CSV_COLUMNS).trim().split(",")).toEqual([...FOCUS_COLUMNS]);
    const line = csvRow(FOCUS_CSV_COLUMNS, focusRecord({ ...base, lineType: "refund", pretaxAmount: "-5", originalAmount: "-5" }));
    expect(line).toContain(",-5.00,");
    expect(line).toContain("'=cmd");
  });
});
