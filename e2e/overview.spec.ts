import { expect, test } from "@playwright/test";
import { Console } from "./pages";
import { FINANCE, money } from "./bill-details-pages";

test("Overview shows money, the overdue amount and since when, trend and top instances", async ({ page }) => {
  await new Console(page).signInAs(FINANCE);
  // The shell's banner says the account is overdue; the Overview card says how much and since when.
  await expect(page.getByTestId("overview-overdue-since")).toContainText(/since \d{2}\/\d{2}\/\d{4}, \d{2}:\d{2} \(\d+ days?\)/);
  const overdue = money((await page.getByTestId("overview-overdue-amount").textContent())!);
  expect(overdue.gt(0)).toBe(true);
  for (const id of ["overview-balance", "overview-available-credit", "overview-spend-to-date", "overview-projection", "overview-last-cycle"]) {
    await expect(page.getByTestId(id)).toHaveText(/\$/);
  }
  // The projection never falls below what is already spent.
  const spent = money((await page.getByTestId("overview-spend-to-date").textContent())!);
  expect(money((await page.getByTestId("overview-projection").textContent())!).gte(spent)).toBe(true);
  await expect(page.locator(".recharts-surface").first()).toBeVisible();
  // At most five, each with its amount; fewer or none early in a cycle (on the first of a month this
  // overdue account has hardly been charged yet), and then the card says so.
  const top = page.getByTestId("top-instances").locator("li");
  await expect(top.or(page.getByText("No charges this cycle yet.")).first()).toBeVisible();
  const n = await top.count();
  expect(n).toBeLessThanOrEqual(5);
  if (n) await expect(top.first()).toContainText("$");
  await page.screenshot({ path: "e2e/artifacts/overview-full.png", fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: "e2e/artifacts/overview-narrow.png", fullPage: true });
});
