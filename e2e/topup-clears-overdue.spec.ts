// The demo's overdue situation (acme went overdue ~3 days before the seed's
// now): the banner on every page, per-resource states and countdowns, and a
// top-up by the admin that clears it. The only spec that changes acme's money,
// so it is named to run last (spec files run alphabetically on one worker).
import { expect, test, type Page } from "@playwright/test";
import { Console, DEMO } from "./pages";

const FINANCE = { email: "finance@acme.test", password: "acme-finance-2026" };

test.describe.configure({ mode: "serial" });

test("a viewer sees the overdue banner and the countdowns but no top-up form", async ({ page }) => {
  const app = new Console(page);
  await app.signInAs(DEMO.viewer);
  const banner = page.getByTestId("console-overdue-banner");
  await expect(banner).toBeVisible();
  await expect(banner).toContainText("Your account is overdue");
  await expect(banner.getByTestId("overdue-amount")).toHaveText(/^\$\d[\d,]*\.\d{2}$|^USD/);
  await expect(banner.getByTestId("overdue-since")).toHaveText(/^\d{2}\/\d{2}\/\d{4}, \d{2}:\d{2}$/);

  await app.nav("Account").click();
  await expect(page.getByTestId("account-overdue")).toBeVisible();
  await expect(page.getByTestId("top-up-form")).toHaveCount(0);
});

test("the admin sees the banner on every page, states and countdowns, and a top-up clears it", async ({ page }) => {
  const app = new Console(page);
  await app.signInAs(DEMO.admin);
  for (const path of ["/overview", "/resources", "/bill-details", "/account"]) {
    await page.goto(path);
    await expect(page.getByTestId("console-overdue-banner"), path).toBeVisible();
  }

  // Resources: the stopped Cloud Phone group shows its state and a countdown to release.
  await page.goto("/resources");
  const phoneRow = page.getByTestId("resources-table").getByRole("row").filter({ hasText: "cp-hz-large" });
  await expect(phoneRow).toContainText("Overdue");
  await expect(phoneRow.getByTestId("countdown")).toHaveText(/^in \d+d \d+h$/);
  await app.screenshot("overdue-resources");

  // The resource's own page: its state panel with the countdown, and the recorded transition.
  await page.goto("/resources/cp-hz-large");
  await expect(page.getByTestId("status-cp-hz-large").getByTestId("countdown")).toHaveText(/^in \d+d \d+h$/);
  await expect(page.getByText("account overdue: unusable, data kept, billing stopped")).toBeVisible();

  // Account: every affected resource with what is refused and when it will be released.
  await page.goto("/account");
  const status = page.getByTestId("resource-status");
  await expect(status.getByTestId("status-cp-hz-large")).toContainText("Overdue");
  await expect(status.getByTestId("status-cp-hz-large")).toContainText("use");
  await expect(status.getByTestId("status-cp-hz-large").getByTestId("countdown")).toHaveText(/^in \d+d \d+h$/);
  await expect(page.getByTestId("suspension-quota")).toBeVisible();
  await app.screenshot("overdue-account");

  // How many top-ups the ledger holds before ours.
  await page.goto("/account?ledgerType=top_up");
  const topUps = await ledgerRows(page);

  // Top up enough to pay everything owed.
  const form = page.getByTestId("top-up-form");
  await form.getByLabel(/Amount/).fill("5000");
  await form.getByRole("button", { name: "Top up" }).click();
  await expect(form.getByRole("status")).toContainText("Topped up");
  await expect(page.getByTestId("console-overdue-banner")).toHaveCount(0);
  await expect(page.getByTestId("account-overdue")).toHaveCount(0);
  await expect(status.getByTestId("status-cp-hz-large")).toContainText("Active");
  await app.screenshot("overdue-cleared");

  // Cleared on every page, and the ledger filters to the top-ups.
  await page.goto("/resources");
  await expect(page.getByTestId("console-overdue-banner")).toHaveCount(0);
  await expect(page.getByTestId("resources-table").getByRole("row").filter({ hasText: "cp-hz-large" })).toContainText("Active");
  await page.goto("/account?ledgerType=top_up");
  await expect(page.getByTestId("ledger-table")).not.toContainText("Deduction");
  await expect(page.getByTestId("ledger-table").getByRole("row")).toHaveCount(topUps + 1);
  // The CSV export behind the page's link, with the page's filter.
  const href = await page.getByTestId("ledger-csv").getAttribute("href");
  expect(href).toContain("type=top_up");
  const csv = await page.request.get(href!);
  expect(csv.headers()["content-type"]).toContain("text/csv");
  const csvRows = (await csv.text()).replace(/^\uFEFF/, "").trim().split(/\r?\n/);
  expect(href).toContain("headers=en"); // the header row in the console's language; cells stay machine-readable
  expect(csvRows[0]).toBe("Time,Type,Amount,Currency,Reference type,Reference ID,Memo,Entry ID");
  expect(csvRows).toHaveLength(topUps + 1); // header + every top-up (the table's rows include its header too)
  expect(csvRows.slice(1).every((r) => r.split(",")[1] === "top_up")).toBe(true);
  await page.goto("/account?ledgerType=deduction");
  await expect(page.getByTestId("ledger-table")).toContainText("Outstanding paid by top-up");
  await expect(page.getByTestId("outstanding")).toHaveText("$0.00");
});

test("finance may top up too; a bad amount is refused with a message", async ({ page }) => {
  const app = new Console(page);
  await app.signInAs(FINANCE);
  await page.goto("/account?ledgerType=top_up");
  const topUps = await ledgerRows(page);
  const form = page.getByTestId("top-up-form");
  await form.getByLabel(/Amount/).fill("-5");
  await form.getByRole("button", { name: "Top up" }).click();
  await expect(form.getByRole("alert")).toContainText("Amount");
  await page.goto("/account?ledgerType=top_up");
  await expect(page.getByTestId("ledger-table").getByRole("row")).toHaveCount(topUps); // nothing was added
});

// Rows in the streamed ledger table (header included), counted once it has rendered.
async function ledgerRows(page: Page): Promise<number> {
  const rows = page.getByTestId("ledger-table").getByRole("row");
  await expect(rows.first()).toBeVisible();
  return rows.count();
}
