// Lifecycle actions in the console: an admin switches globex's
// pay-as-you-go Cloud Phone group to a 3-month subscription through the quote,
// sees the order and the resource as subscription, then unsubscribes and sees
// the refund and its ledger entry; the audit log lists both. A viewer sees no
// actions; the overdue acme account is refused with the reason.
import { expect, test, type Page } from "@playwright/test";
import { BillDetailsPage } from "./bill-details-pages";
import { Console, DEMO } from "./pages";

const GLOBEX_ADMIN = { email: "admin@globex.test", password: "globex-admin-2026" };
const ACME_ADMIN = { email: DEMO.admin.email, password: DEMO.admin.password };
const CP = "cp-globex";

async function detail(page: Page, label: string) {
  return page.locator("dt", { hasText: label }).locator("xpath=following-sibling::dd[1]");
}

test.describe.configure({ mode: "serial" });

test("an admin switches a pay-as-you-go Cloud Phone group to 3 months, then unsubscribes", async ({ page }) => {
  const app = new Console(page);
  await app.signInAs(GLOBEX_ADMIN);
  await page.goto(`/resources/${CP}`);
  await expect(page.getByRole("heading", { name: "courier-app-test" })).toBeVisible();
  await expect(await detail(page, "Billing method")).toHaveText("Pay-as-you-go");

  const panel = page.getByTestId("lifecycle-panel");
  await panel.getByRole("button", { name: "Switch to subscription" }).click();
  await panel.getByLabel("Duration").selectOption("3");
  await panel.getByRole("button", { name: "Get quote" }).click();
  // acp.std.small outside China 21.4953 × 3 months × 2 instances = 128.9718 → $128.97.
  await expect(page.getByTestId("quote-payable")).toHaveText("$128.97");
  await expect(page.getByTestId("quote")).toContainText("21.4953 USD/month × 3 month(s) × 2 instance(s) = 128.97");
  await app.screenshot("lifecycle-quote");
  await page.getByRole("button", { name: "Confirm switch to subscription" }).click();

  const result = page.getByTestId("action-result");
  await expect(result).toContainText("Paid $128.97.");
  const orderNo = (await result.locator(".font-mono").first().textContent())!.trim();
  expect(orderNo).toMatch(/^\d{18}$/);
  await expect(await detail(page, "Billing method")).toHaveText("Subscription");
  const orderRow = page.getByTestId("orders-table").getByTestId("order-row").filter({ hasText: orderNo });
  await expect(orderRow).toContainText("Conversion · 3 months");
  await expect(orderRow).toContainText("$128.97");
  await expect(orderRow).toContainText("Paid");
  await app.screenshot("lifecycle-switched");

  // The same order through the API (the console session authenticates it).
  const orders = await (await page.request.get(`/api/v1/orders?instanceId=${CP}`)).json();
  expect(orders.data[0]).toMatchObject({ orderNo, orderType: "conversion", status: "paid", months: 3 });
  const cycle = orders.data[0].createdAt.slice(0, 7);
  const bills = await (await page.request.get(`/api/v1/bills?billingCycle=${cycle}&orderNo=${orderNo}`)).json();
  expect(bills.data.map((b: { orderNo: string }) => b.orderNo)).toEqual([orderNo]);

  // …and in Consumption by Bill, found by its number.
  const bd = new BillDetailsPage(page);
  await bd.open("bills", { billingCycle: cycle, orderNo });
  await expect(bd.bodyRows("bills-table")).toHaveCount(1);
  await expect(bd.bodyRows("bills-table").first()).toContainText(orderNo);
  await expect(bd.bodyRows("bills-table").first()).toContainText(/conversion/i);
  await page.goto(`/resources/${CP}`);
  await expect(await detail(page, "Billing method")).toHaveText("Subscription");

  // Unsubscribe: the quote's refund is what lands on the balance, as a ledger entry.
  await panel.getByRole("button", { name: "Unsubscribe" }).click();
  await panel.getByRole("button", { name: "Get quote" }).click();
  await expect(page.getByTestId("quote")).toContainText("Refund to balance");
  const refund = (await page.getByTestId("quote-payable").textContent())!.trim();
  expect(refund).toMatch(/^\$1[12]\d\.\d\d$/);
  await page.getByRole("button", { name: "Confirm unsubscribe" }).click();
  await expect(result).toContainText(`Refunded ${refund} to the balance.`);
  await expect(page.getByTestId("ledger-entry")).toContainText(`refund +${refund}`);
  await expect(await detail(page, "Status")).toHaveText(/released/i);
  await expect(page.getByTestId("order-row").filter({ hasText: "refund" })).toContainText(`-${refund}`);
  await app.screenshot("lifecycle-unsubscribed");

  // The audit log lists both actions with their amounts.
  await app.nav("Audit log").click();
  const audit = page.getByTestId("audit-table");
  await expect(audit.getByTestId("audit-row").filter({ hasText: "switch to subscription" })).toContainText(orderNo);
  await expect(audit.getByTestId("audit-row").filter({ hasText: "unsubscribe" })).toContainText(`payable -${refund}`);
  await app.screenshot("audit-log");
});

test("a viewer sees the orders but no action buttons and no audit log", async ({ page }) => {
  const app = new Console(page);
  await app.signInAs(DEMO.viewer);
  await page.goto("/resources/cp-sh-perf");
  await expect(page.getByRole("heading", { name: "game-bench" })).toBeVisible();
  await expect(page.getByTestId("orders-table")).toBeVisible();
  await expect(page.getByTestId("lifecycle-panel")).toHaveCount(0);
  for (const name of ["Switch to subscription", "Renew", "Unsubscribe", "Upgrade / downgrade", "Pay", "Cancel"]) {
    await expect(page.getByRole("button", { name, exact: true })).toHaveCount(0);
  }
  await expect(app.nav("Audit log")).toHaveCount(0);
  // Sent as the console would (same Origin, JSON), so only the role can refuse it.
  const origin = new URL(page.url()).origin;
  const api = await page.request.post("/api/v1/instances/cp-sh-perf/renew", { headers: { "idempotency-key": "viewer-try-0001", origin }, data: { months: 1 } });
  expect(api.status()).toBe(403);
  await app.screenshot("lifecycle-viewer");
});

test("the overdue account's admin is refused a renewal with the reason", async ({ page }) => {
  const app = new Console(page);
  await app.signInAs(ACME_ADMIN);
  await page.goto("/resources/cp-sh-perf");
  const panel = page.getByTestId("lifecycle-panel");
  await panel.getByRole("button", { name: "Renew", exact: true }).click();
  await panel.getByRole("button", { name: "Get quote" }).click();
  await expect(page.getByTestId("action-error")).toContainText(/The account is overdue since .*: renewals are refused until what is due is paid/);
  await expect(page.getByTestId("quote")).toHaveCount(0);
  await app.screenshot("lifecycle-overdue-refused");
});
