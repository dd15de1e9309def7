import { expect, type Page } from "@playwright/test";

export const DEMO = {
  admin: { email: "admin@acme.test", password: "acme-admin-2026", name: "Ada Admin" },
  viewer: { email: "viewer@acme.test", password: "acme-viewer-2026", name: "Vic Viewer" },
  otherAccountResource: "cp-globex",
  ownResource: "cp-hz-large",
};

export class SignInPage {
  constructor(private page: Page) {}
  async open() {
    await this.page.goto("/signin");
  }
  async signIn(email: string, password: string) {
    await this.page.getByLabel("E-mail").fill(email);
    await this.page.getByLabel("Password").fill(password);
    await this.page.getByRole("button", { name: "Sign in" }).click();
  }
  error() {
    return this.page.getByTestId("signin-error");
  }
}

export class Console {
  constructor(private page: Page) {}
  async signInAs(user: { email: string; password: string }) {
    const signIn = new SignInPage(this.page);
    await signIn.open();
    await signIn.signIn(user.email, user.password);
    await expect(this.page).toHaveURL(/\/overview$/);
  }
  nav(label: string) {
    return this.page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: label });
  }
  async screenshot(name: string) {
    await this.page.screenshot({ path: `e2e/artifacts/${name}.png`, fullPage: true });
  }
}

/**
 * Every table in the page's main area has the console's table look: 12 px either
 * side of each header and cell, and a cell holding only a number or an amount
 * ("$1,234.50", "1 234,50 ₽", "3", "1.5 h", "25%") right-aligned.
 */
export async function expectTableLayout(page: Page, where: string) {
  const tables = page.locator("main table");
  const bad = await tables.evaluateAll((all) => {
    const number = /^[-−+]?\s*[$₽₸€]?\s*\d[\d\s\u00a0\u202f,.]*\s*(%|[$₽₸€]|h|ч)?$/;
    const date = /^\d{2}[./]\d{2}[./]\d{4}/;
    const out: string[] = [];
    all.forEach((table, i) => {
      const name = table.getAttribute("data-testid") ?? `table ${i + 1}`;
      for (const cell of Array.from(table.querySelectorAll("th, td"))) {
        const s = getComputedStyle(cell);
        const text = (cell.textContent ?? "").trim();
        if (s.paddingLeft !== "12px" || s.paddingRight !== "12px") out.push(`${name}: "${text}" padded ${s.paddingLeft} ${s.paddingRight}`);
        else if (cell.tagName === "TD" && number.test(text) && !date.test(text) && s.textAlign !== "right") out.push(`${name}: "${text}" aligned ${s.textAlign}`);
      }
    });
    return out;
  });
  expect(bad.slice(0, 6), `${where}: ${bad.length} cells off`).toEqual([]);
}
