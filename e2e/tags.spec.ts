import { expect, test } from "@playwright/test";
import { Console } from "./pages";
import { BillDetailsPage, FINANCE, money, previousCycle } from "./bill-details-pages";

// The demo seed tags its resources (project, env) and puts them in resource
// groups; some resources carry no tags at all.
const cycle = previousCycle();
const ADMIN = { email: "admin@acme.test", password: "acme-admin-2026" };

test.describe("Tags and resource groups", () => {
  test("Billing Details: filter by a tag, then group by it with the untagged cost shown", async ({ page }) => {
    await new Console(page).signInAs(FINANCE);
    const bd = new BillDetailsPage(page);
    await bd.open("details", { billingCycle: cycle });
    const rows = bd.bodyRows("details-table");
    await expect(rows.first()).toBeVisible();
    const everything = money((await page.getByTestId("total-pretaxAmount").textContent())!);

    // Choose the key, then one of its values: each is a URL parameter.
    await bd.filters().getByRole("combobox", { name: "Tag key", exact: true }).selectOption("project");
    await bd.apply();
    await expect(page).toHaveURL(/tagKey=project/);
    await bd.filters().getByRole("combobox", { name: "Tag value", exact: true }).selectOption("qa");
    await bd.apply();
    await expect(page).toHaveURL(/tagValue=qa/);
    await expect(rows.first()).toBeVisible();
    for (const row of await rows.all()) await expect(row).toContainText("cp-sg-small");
    const qa = money((await page.getByTestId("total-pretaxAmount").textContent())!);
    expect(qa.gt(0)).toBe(true);
    expect(qa.lt(everything)).toBe(true);
    await bd.screenshot("bill-details-tag-filter");

    // Group by the tag's value over all lines: the untagged cost is a row of its own, and the rows add up to the total.
    await bd.open("details", { billingCycle: cycle, tagKey: "project", groupBy: "tag", granularity: "MONTHLY" });
    await expect(rows.first()).toBeVisible();
    await expect(bd.table("details-table").getByText("(untagged)")).toBeVisible();
    await expect(bd.table("details-table").getByRole("cell", { name: "qa", exact: true })).toBeVisible();
    expect(money((await page.getByTestId("total-pretaxAmount").textContent())!).toFixed(2)).toBe(everything.toFixed(2));
  });

  test("an admin edits an instance's tags and resource group; the history is kept", async ({ page }) => {
    await new Console(page).signInAs(ADMIN);
    await page.goto("/resources/eip-hz");
    const editor = page.getByTestId("tag-editor");
    await expect(editor).toBeVisible();
    await expect(editor.getByLabel("Key 1", { exact: true })).toHaveValue("project");
    // The first blank row takes a new tag; the group moves.
    await editor.getByLabel("Key 2", { exact: true }).fill("owner");
    await editor.getByLabel("Value 2", { exact: true }).fill("e2e");
    await editor.getByRole("textbox", { name: "Resource group" }).fill("network");
    await editor.getByRole("button", { name: "Save tags" }).click();
    await expect(editor.getByRole("status")).toContainText("Tags saved");
    await page.reload();
    // Keys are listed in order: owner before project.
    await expect(page.getByTestId("tag-editor").getByLabel("Key 1", { exact: true })).toHaveValue("owner");
    await expect(page.getByTestId("tag-editor").getByLabel("Value 1", { exact: true })).toHaveValue("e2e");
    await expect(page.getByTestId("tag-editor").getByRole("textbox", { name: "Resource group" })).toHaveValue("network");
    await page.getByText("Tag history").click();
    await expect(page.getByTestId("tag-history").locator("li")).toHaveCount(2);
  });
});
