import { expect, test } from "@playwright/test";
import { Console, DEMO, SignInPage } from "./pages";

test("the demo admin signs in and sees the shell and the Resources list", async ({ page }) => {
  const app = new Console(page);
  await new SignInPage(page).open();
  await app.screenshot("signin");
  await app.signInAs(DEMO.admin);
  await expect(page.getByTestId("account-name")).toHaveText("Acme Robotics");
  await expect(page.getByTestId("user-name")).toContainText(DEMO.admin.name);
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  for (const label of ["Overview", "Bill Details", "Resources", "Account"]) await expect(app.nav(label)).toBeVisible();
  await app.screenshot("overview");

  await app.nav("Resources").click();
  await expect(page).toHaveURL(/\/resources$/);
  const table = page.getByTestId("resources-table");
  await expect(table.getByRole("link", { name: "android-ci-farm", exact: true })).toBeVisible();
  await expect(table.getByRole("row")).toHaveCount(16); // header + the demo account's 15 resources
  await expect(table).not.toContainText("courier-app-test"); // the other account's
  await app.screenshot("resources");

  // Filters live in the URL.
  await page.getByLabel("Billing method").selectOption("subscription");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/billingMethod=subscription/);
  await expect(table.getByRole("row").nth(1)).toContainText("Subscription");
  await expect(table).not.toContainText("Pay-as-you-go");

  await page.goto(`/resources/${DEMO.ownResource}`);
  await expect(page.getByRole("heading", { name: "android-ci-farm" })).toBeVisible();
  await app.screenshot("resource-detail");

  await app.nav("Bill Details").click();
  for (const tab of ["Consumption by Bill", "Billing Details", "Usage Records", "Summary by Quantity and Price"]) {
    await page.getByRole("tab", { name: tab }).click();
    await expect(page.getByRole("tab", { name: tab })).toHaveAttribute("aria-selected", "true");
  }
  await app.screenshot("bill-details");

  await app.nav("Account").click();
  await expect(page.getByText("WELCOME-100")).toBeVisible();
  await app.screenshot("account");
});

test("a wrong password shows an error and no session", async ({ page }) => {
  const signIn = new SignInPage(page);
  await signIn.open();
  await signIn.signIn(DEMO.admin.email, "not-the-password");
  await expect(signIn.error()).toHaveText("Wrong e-mail or password.");
  await page.goto("/resources");
  await expect(page).toHaveURL(/\/signin/);
});

test("a viewer cannot open another account's resource by URL", async ({ page }) => {
  await new Console(page).signInAs(DEMO.viewer);
  const other = await page.goto(`/resources/${DEMO.otherAccountResource}`);
  expect(other?.status()).toBe(404);
  await expect(page.getByTestId("not-found")).toContainText("Resource not found");
  const own = await page.goto(`/resources/${DEMO.ownResource}`);
  expect(own?.status()).toBe(200);
});

test("signing out ends the session, even for a copied cookie", async ({ page, context, browser }) => {
  const app = new Console(page);
  await app.signInAs(DEMO.admin);
  const cookies = await context.cookies();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin/);
  await page.goto("/overview");
  await expect(page).toHaveURL(/\/signin/);

  // Replaying the old session cookie no longer works.
  const replay = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  await replay.addCookies(cookies);
  const again = await replay.newPage();
  await again.goto("/resources");
  await expect(again).toHaveURL(/\/signin/);
  await replay.close();

  // And signing in again works.
  await app.signInAs(DEMO.admin);
});
