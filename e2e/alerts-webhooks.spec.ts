// Alerts and webhooks in the console, on Globex (acme's money is left alone):
// a webhook endpoint and a budget are created in the console, the account's
// clock moves through the test-clock API, and the bell, the Alerts page and
// the endpoint's delivery log show what happened; a local receiver gets the
// signed events.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createHmac } from "node:crypto";
import { expect, test } from "@playwright/test";
import { Console, expectTableLayout } from "./pages";

const GLOBEX = { email: "admin@globex.test", password: "globex-admin-2026" };

test.describe.configure({ mode: "serial" });

test("a budget crosses in the console after the clock moves; the webhook endpoint logs the delivery", async ({ page, baseURL }) => {
  const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  try {
    const app = new Console(page);
    await app.signInAs(GLOBEX);

    // A webhook endpoint; the secret is shown once.
    await app.nav("Webhooks").click();
    const form = page.getByTestId("webhook-form");
    await form.getByLabel("URL").fill(receiverUrl);
    await form.getByRole("button", { name: "Add endpoint" }).click();
    const secret = (await page.getByTestId("webhook-secret").textContent())!.trim();
    expect(secret).toMatch(/^whsec_/);

    // A small monthly budget with thresholds on actual spend.
    await app.nav("Alerts").click();
    const budget = page.getByTestId("budget-form");
    await budget.getByLabel(/Monthly amount/).fill("1.00");
    await budget.getByRole("button", { name: "Add budget" }).click();
    await expect(page.getByTestId("alert-rules")).toContainText("Monthly budget 1.00 USD");

    // Move Globex's clock a day ahead: its jobs run, the budget crosses, the event goes out.
    const now = new Date(Date.now() + 86_400_000).toISOString();
    const res = await page.request.post("/api/v1/test-clock", { data: { now }, headers: { origin: baseURL!, "content-type": "application/json" } });
    expect(res.status(), await res.text()).toBe(200);

    await page.goto("/overview");
    await expect(page.getByTestId("alerts-unread")).toHaveText(/^[1-9]\d*$/);
    await expect(page.getByTestId("overview-forecast-method")).toContainText("run rate of the last 7 days");
    await page.getByTestId("alerts-bell").click();
    await expect(page).toHaveURL(/\/alerts$/);
    await expect(page.getByTestId("alerts-table")).toContainText("100% of the");
    await expectTableLayout(page, "alert history");
    await app.screenshot("alerts");
    await page.getByTestId("alerts-mark-read").click();
    await expect(page.getByTestId("alerts-unread")).toHaveCount(0);

    // The receiver got alert.fired, signed over `${t}.${body}` with the secret.
    const fired = received.find((r) => JSON.parse(r.body).type === "alert.fired");
    expect(fired).toBeTruthy();
    const [, t, v1] = String(fired!.headers["billing-signature"]).match(/^t=(\d+),v1=([0-9a-f]+)$/)!;
    expect(createHmac("sha256", secret).update(`${t}.${fired!.body}`).digest("hex")).toBe(v1);

    // The endpoint's delivery log lists it as delivered; a resend adds a row.
    await app.nav("Webhooks").click();
    await page.getByTestId("webhook-endpoints").getByRole("link", { name: receiverUrl }).click();
    const log = page.getByTestId("webhook-deliveries");
    const row = log.getByRole("row").filter({ hasText: "alert.fired" }).first();
    await expect(row.getByTestId("delivery-status")).toContainText("succeeded (200)");
    const rows = await log.getByRole("row").count();
    await row.getByRole("button", { name: "Resend" }).click();
    await expect(log.getByRole("row")).toHaveCount(rows + 1);
    await expectTableLayout(page, "delivery log");
    await app.screenshot("webhook-deliveries");
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
});
