// A Cloud Phone day line in Billing Details expands into the 4-hour periods
// behind it (each rounded once), which add up to the line; the Pricing page
// shows the hourly price they were charged at. The demo shows its suspension
// quota from the first start and an Image Search package's quota use.
import { expect, test } from "@playwright/test";
import { Console } from "./pages";
import { BillDetailsPage, FINANCE, money, previousCycle } from "./bill-details-pages";

test("a Cloud Phone line expands into its periods, which add up to it", async ({ page }) => {
  await new Console(page).signInAs(FINANCE);
  const bd = new BillDetailsPage(page);
  await bd.open("details", { billingCycle: previousCycle(), productId: "cloud-phone", billingMethod: "payg" });
  const expand = page.getByTestId("expand-periods").first();
  await expect(expand).toHaveText(/^Show \d+ periods?$/);
  const count = Number(/\d+/.exec((await expand.textContent())!)![0]);
  await expand.click();
  await expect(page).toHaveURL(/expand=/);

  const periods = page.getByTestId("line-periods");
  await expect(periods).toBeVisible();
  await expect(periods.getByTestId("period-row")).toHaveCount(count);
  const amounts = await periods.getByTestId("period-amount").allTextContents();
  const total = amounts.reduce((s, a) => s.plus(money(a)), money("0"));
  const note = (await periods.locator("p").textContent())!;
  const lineTotal = money(/sum of its periods: (.+)\.$/.exec(note)![1]);
  expect(total.toFixed(2)).toBe(lineTotal.toFixed(2));
  // The expanded row is the line shown just above, with the same amount.
  await expect(page.getByRole("link", { name: /^Hide \d+ periods?$/ })).toBeVisible();
  await bd.screenshot("bill-details-phone-periods");

  // Collapsing keeps the rest of the view.
  await page.getByRole("link", { name: /^Hide \d+ periods?$/ }).click();
  await expect(periods).toHaveCount(0);
  await expect(page).toHaveURL(/productId=cloud-phone/);

  // Pricing: the hourly Cloud Phone prices with 6 decimals and their dates.
  await new Console(page).nav("Pricing").click();
  await page.getByRole("link", { name: "Cloud Phone", exact: true }).click();
  const table = page.getByTestId("prices-cloud-phone");
  await expect(table).toContainText("0.080800");
  await expect(table).toContainText("USD/hour");
  await expect(table).toContainText("01/01/2020 → open");
  await bd.screenshot("pricing-cloud-phone");
});

test("the demo shows its extended suspension quota from the first start, and a package's quota on its page", async ({ page }) => {
  await new Console(page).signInAs(FINANCE);
  await page.goto("/account");
  const quota = page.getByTestId("suspension-quota");
  await expect(quota).toBeVisible();
  expect(money((await quota.textContent())!).gt(0)).toBe(true);
  // The Image Search package: images indexed so far against its quota.
  await page.goto("/resources/is-catalog");
  await expect(page.getByTestId("quota-used")).toHaveText(/^[\d,]+ of 2,500,000 images$/);
  await expect(page.getByTestId("quota-remaining")).toHaveText(/^[\d,]+ images/);
});
