import { readFile } from "node:fs/promises";
import { expect, type Page } from "@playwright/test";
import Decimal from "decimal.js";
import { parse } from "csv-parse/sync";

export const FINANCE = { email: "finance@acme.test", password: "acme-finance-2026" };

/** The demo account is in UTC: the previous cycle is last calendar month in UTC (`monthsBack` 2: the one before). */
export function previousCycle(now = new Date(), monthsBack = 1): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - monthsBack, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
}

/** "$1,234.50" / "-$3.00" → Decimal, exactly. */
export function money(text: string): Decimal {
  const cleaned = text.replace(/[^\d.-]/g, "");
  return new Decimal(cleaned === "" || cleaned === "-" ? "0" : cleaned);
}

/** The rows of a CSV file (after the BOM, which must be there), read by csv-parse. */
export function parseCsv(text: string): string[][] {
  expect(text.charCodeAt(0), "UTF-8 BOM").toBe(0xfeff);
  return parse(text.slice(1), { bom: false });
}

export class BillDetailsPage {
  constructor(private page: Page) {}

  async open(tab: "bills" | "details" | "usage" | "summary", params: Record<string, string> = {}) {
    await this.page.goto(`/bill-details?${new URLSearchParams({ tab, ...params })}`);
    await expect(this.page.getByRole("tab", { selected: true })).toBeVisible();
  }

  filters() {
    return this.page.getByRole("form", { name: "Filters" });
  }

  /** Ticks values of a multi-select filter (a disclosure of checkboxes) by their labels. */
  async pick(name: string, ...labels: string[]) {
    const filter = this.filters().getByTestId(`filter-${name}`);
    await filter.locator("summary").click();
    for (const label of labels) await filter.getByLabel(label, { exact: true }).check();
    await filter.locator("summary").click();
  }

  async apply() {
    await this.filters().getByRole("button", { name: "Apply" }).click();
  }

  table(testId: string) {
    return this.page.getByTestId(testId);
  }

  bodyRows(testId: string) {
    return this.table(testId).locator("tbody tr");
  }

  /** Downloads what an Export link serves and parses it. */
  async download(name: string | RegExp): Promise<string[][]> {
    const [download] = await Promise.all([this.page.waitForEvent("download"), this.page.getByRole("link", { name }).click()]);
    const file = await download.path();
    return parseCsv(await readFile(file, "utf8"));
  }

  async totalCount(): Promise<number> {
    const text = (await this.page.getByTestId("row-range").textContent()) ?? "";
    const m = /of ([\d,]+)/.exec(text);
    return m ? Number(m[1].replace(/,/g, "")) : 0;
  }

  async screenshot(name: string) {
    await this.page.screenshot({ path: `e2e/artifacts/${name}.png`, fullPage: true });
  }
}

export function sumColumn(rows: string[][], header: string): Decimal {
  const i = rows[0].indexOf(header);
  expect(i, `column ${header}`).toBeGreaterThanOrEqual(0);
  return rows.slice(1).reduce((s, r) => s.plus(r[i] || "0"), new Decimal(0));
}
