// Operator tools seen from the account: the provider's operator credits a
// closed cycle and issues a voucher with the ops CLI; the account's admin finds
// both, with the reason and who gave them, on the Account page. Globex, so the
// other specs' acme money is untouched.
import { userInfo } from "node:os";
import { expect, test } from "@playwright/test";
import { Console } from "./pages";
import { ops } from "./ops";

const GLOBEX_ADMIN = { email: "admin@globex.test", password: "globex-admin-2026" };

test("the Account page lists an operator's credit and voucher with who and why", async ({ page }) => {
  // A cycle that has closed and in which Globex's Cloud Phone group (created 50 days before the seed) was billed.
  const closed = new Date(Date.now() - 45 * 86_400_000).toISOString().slice(0, 7);
  const tag = Date.now().toString(36).toUpperCase();
  const credit = ops("adjust", "--account", "globex", "--credit", "12.34", "--cycle", closed, "--product", "cloud-phone", "--reason", `Outage credit ${tag}`, "--by", "Olga Ops");
  expect(credit).toContain(`credit of 12.34 for ${closed}`);
  const expires = new Date(Date.now() + 90 * 86_400_000).toISOString();
  // Without --by, the audit names whoever ran the CLI (not the user the server runs as).
  ops("issue-voucher", "--account", "globex", "--amount", "40.00", "--expires", expires, "--code", `SORRY-${tag}`, "--reason", `Apology ${tag}`);

  const app = new Console(page);
  await app.signInAs(GLOBEX_ADMIN);
  await app.nav("Account").click();
  const adjustments = page.getByTestId("adjustments");
  const row = adjustments.getByRole("row").filter({ hasText: `Outage credit ${tag}` });
  await expect(row).toContainText("Credit");
  await expect(row).toContainText("$12.34");
  await expect(row).toContainText(`cloud-phone, ${closed}`);
  await expect(row).toContainText("Olga Ops");
  const voucher = page.getByTestId("vouchers").getByRole("row").filter({ hasText: `SORRY-${tag}` });
  await expect(voucher).toContainText("$40.00");
  await expect(voucher).toContainText(`Apology ${tag}`);
  await expect(voucher).toContainText(`by ${userInfo().username}`);
  // The credit is in the ledger too.
  await page.goto("/account?ledgerType=adjustment");
  await expect(page.getByText(`Credit for ${closed}: Outage credit ${tag}`)).toBeVisible();
  await app.screenshot("account-operator-credit");
  // The audit log names the operator and why.
  await page.goto("/audit");
  const audited = page.getByTestId("audit-row").filter({ hasText: `Outage credit ${tag}` });
  await expect(audited).toContainText("credit from the provider");
  await expect(audited).toContainText('operator "Olga Ops"');
});
