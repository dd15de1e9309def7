import { expect, test } from "@playwright/test";
import { Console } from "./pages";
import { BillDetailsPage, FINANCE, money, previousCycle, sumColumn } from "./bill-details-pages";

// The demo account (acme, UTC) has three months of rated usage; last month is a
// whole closed-or-closing cycle with orders, pay-as-you-go bills and usage.
const cycle = previousCycle();

test.describe("Bill Details", () => {
  test.beforeEach(async ({ page }) => {
    await new Console(page).signInAs(FINANCE);
  });

  test("Consumption by Bill: search an order number and open its lines", async ({ page }) => {
    const bd = new BillDetailsPage(page);
    await bd.open("bills", { billingCycle: cycle });
    const rows = bd.bodyRows("bills-table");
    await expect(rows.first()).toBeVisible();
    await bd.screenshot("bill-details-bills");
    // Filter by type: only the pay-as-you-go settlement bills remain.
    await bd.filters().getByLabel("Type").selectOption("payg");
    await bd.apply();
    await expect(page).toHaveURL(/type=payg/);
    await expect(rows.first()).toBeVisible();
    for (const row of await rows.all()) await expect(row).toContainText("Pay-as-you-go");
    // An order's number is its link text; pay-as-you-go bills have none. The demo's orders fall in the
    // months its subscriptions were bought, counted back from today: take the latest cycle that has one.
    const orderLinks = bd.table("bills-table").getByRole("link", { name: /^\d+$/ });
    for (const back of [1, 2, 3, 4]) {
      await bd.open("bills", { billingCycle: previousCycle(new Date(), back) });
      await expect(rows.first()).toBeVisible();
      if (await orderLinks.count()) break;
    }
    const orderNo = (await orderLinks.first().textContent())!.trim();

    await bd.filters().getByLabel("Order number (exact)").fill(orderNo);
    await bd.apply();
    await expect(page).toHaveURL(new RegExp(`orderNo=${orderNo}`));
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText(orderNo);

    await bd.table("bills-table").getByRole("link", { name: orderNo }).click();
    await expect(page).toHaveURL(/bill=/);
    await expect(bd.bodyRows("bill-lines-table").first()).toBeVisible();
    await bd.screenshot("bill-details-bill-lines");

    // A number that is not there: an empty state, not an error.
    await bd.filters().getByLabel("Order number (exact)").fill("000000000000");
    await bd.apply();
    await expect(page.getByText("No order 000000000000")).toBeVisible();

    // The back button returns to the previous search.
    await page.goBack();
    await expect(page).toHaveURL(/bill=/);
  });

  test("Billing Details: filter, group by instance, hide zero, columns persist, CSV equals the screen", async ({ page }) => {
    const bd = new BillDetailsPage(page);
    await bd.open("details", { billingCycle: cycle });
    const f = bd.filters();
    const select = (name: string) => f.getByRole("combobox", { name, exact: true });
    await bd.pick("productId", "Cloud Phone");
    await bd.pick("billingMethod", "Pay-as-you-go");
    await select("Group by").selectOption("instanceId");
    await select("Statistic period").selectOption("MONTHLY");
    await f.getByLabel("Hide zero charges").check();
    await bd.apply();
    await expect(page).toHaveURL(/productId=cloud-phone/);
    await expect(page).toHaveURL(/billingMethod=payg/);
    await expect(page).toHaveURL(/groupBy=instanceId/);
    await expect(page).toHaveURL(/isHideZeroCharge=true/);

    const rows = bd.bodyRows("details-table");
    await expect(rows.first()).toBeVisible();
    const n = await rows.count();
    expect(n).toBeGreaterThan(1);
    for (let i = 0; i < n; i++) {
      await expect(rows.nth(i)).toContainText("Cloud Phone");
      await expect(rows.nth(i)).toContainText("Pay-as-you-go");
    }
    // One row per instance: the instance ids are distinct.
    const ids = await rows.locator("td:nth-child(3)").allTextContents();
    expect(new Set(ids).size).toBe(ids.length);

    // Customize Columns: add Region and Order number, drop Billable item; persists over a reload.
    await page.getByRole("button", { name: "Customize Columns" }).click();
    const picker = page.getByRole("form", { name: "Customize Columns" });
    await picker.getByLabel("Region", { exact: true }).check();
    await picker.getByLabel("Order number").check();
    await picker.getByLabel("Billable item").uncheck();
    await picker.getByRole("button", { name: "Save columns" }).click();
    await expect(picker.getByRole("status")).toHaveText("Saved");
    await page.reload();
    const header = bd.table("details-table").locator("thead");
    await expect(header).toContainText("Region");
    await expect(header).toContainText("Order number");
    await expect(header).not.toContainText("Billable item");
    await bd.screenshot("bill-details-details");

    // The CSV: same rows (all pages), chosen columns, totals to the cent.
    const csv = await bd.download("Export CSV");
    const headers = (await header.locator("th").allTextContents()).map((h) => h.replace(/[↑↓]/g, "").trim()).filter((h) => h !== "Lines");
    expect(csv[0]).toEqual(headers);
    expect(csv.length - 1).toBe(await bd.totalCount());
    for (const [column, testId] of [["Pretax amount", "total-pretaxAmount"], ["Original amount", "total-pretaxGrossAmount"], ["Outstanding", "total-outstandingAmount"]]) {
      const onScreen = money((await page.getByTestId(testId).textContent())!);
      expect(sumColumn(csv, column).toFixed(2), column).toBe(onScreen.toFixed(2));
    }

    // FOCUS 1.2 of the same filters: every mandatory column present.
    const focus = await bd.download("Export FOCUS 1.2");
    for (const c of ["BilledCost", "BillingAccountId", "BillingCurrency", "BillingPeriodStart", "ChargeCategory", "ChargePeriodEnd", "EffectiveCost",
      "ListCost", "PricingQuantity", "PricingUnit", "ProviderName", "ServiceName", "ServiceCategory", "ResourceId", "SkuId"]) {
      expect(focus[0]).toContain(c);
    }
    // Voucher payments are Credit rows of their own; the charges' list costs add up to the Original amount shown.
    const category = focus[0].indexOf("ChargeCategory");
    const charges = [focus[0], ...focus.slice(1).filter((r) => r[category] !== "Credit")];
    expect(sumColumn(charges, "ListCost").toFixed(2)).toBe(money((await page.getByTestId("total-pretaxGrossAmount").textContent())!).toFixed(2));

    // Every page, server-side: paging through shows the total count.
    await bd.open("details", { billingCycle: cycle });
    const total = await bd.totalCount();
    expect(total).toBeGreaterThan(50);
    await page.getByRole("link", { name: "Next page" }).click();
    await expect(page.getByTestId("row-range")).toContainText(`Rows 51–`);
  });

  test("Usage Records by day and by hour export the same usage", async ({ page }) => {
    const bd = new BillDetailsPage(page);
    // Object storage meters daily records (Cloud Phone is billed by period, without usage records).
    await bd.open("usage", { billingCycle: cycle, productId: "oss", unit: "day" });
    await expect(bd.bodyRows("usage-table").first()).toBeVisible();
    await bd.screenshot("bill-details-usage");
    const byDay = await bd.download("Export CSV");
    await bd.filters().getByRole("combobox", { name: "Time unit" }).selectOption("hour");
    await bd.apply();
    await expect(page).toHaveURL(/unit=hour/);
    await expect(bd.bodyRows("usage-table").first()).toContainText(":00");
    const byHour = await bd.download("Export CSV");
    expect(byDay.length).toBeGreaterThan(10);
    expect(byHour.length).toBeGreaterThanOrEqual(byDay.length);
    expect(byDay[0]).toEqual(["Time", "Product", "Instance ID", "Instance name", "Billable item", "Usage", "Unit", "Records"]);
    expect(sumColumn(byHour, "Usage").toFixed(6)).toBe(sumColumn(byDay, "Usage").toFixed(6));
    expect(byHour.slice(1).every((r) => /^\d{4}-\d{2}-\d{2} \d{2}:00$/.test(r[0]))).toBe(true);
  });

  test("Summary by product matches the sum of Billing Details", async ({ page }) => {
    const bd = new BillDetailsPage(page);
    await bd.open("details", { billingCycle: cycle });
    const details = money((await page.getByTestId("total-pretaxAmount").textContent())!);
    await bd.open("summary", { billingCycle: cycle, dimension: "productId" });
    await expect(page.locator(".recharts-surface").first()).toBeVisible();
    const summary = money((await page.getByTestId("summary-total-pretaxAmount").textContent())!);
    expect(summary.toFixed(2)).toBe(details.toFixed(2));
    await bd.screenshot("bill-details-summary");
    const csv = await bd.download("Export CSV");
    expect(sumColumn(csv, "Pretax amount payable").toFixed(2)).toBe(details.toFixed(2));

    // Narrow screens: the page stays usable (the table scrolls inside its frame).
    await page.setViewportSize({ width: 390, height: 844 });
    await expect(page.getByRole("tab", { name: "Summary by Quantity and Price" })).toBeVisible();
    await bd.screenshot("bill-details-summary-narrow");
  });

  test("a bad parameter shows a message in the tab, not a crash", async ({ page }) => {
    const bd = new BillDetailsPage(page);
    await bd.open("usage", { billingCycle: cycle, unit: "week" });
    await expect(page.getByRole("alert").filter({ hasText: "unit: must be hour, day or month" })).toBeVisible();
  });
});
