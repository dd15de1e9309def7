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
