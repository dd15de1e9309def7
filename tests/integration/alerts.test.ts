// Alerts by time travel through the test clock: each crossing fires once, at
// its instant, whatever the run cadence; low balance re-arms after clearing.
import { beforeAll, describe, expect, it, vi } from "vitest";

vi.mock("next-auth", async (orig) => ({ ...(await orig<object>()), getServerSession: async () => null }));

import { and, asc, eq } from "drizzle-orm";
import { alerts, webhookEvents } from "@/db/schema";
import { loadCatalog, readCatalogFile } from "@/lib/billing/catalog";
import { createAlertRule, getForecast, listAlerts, listBudgets, markAlertsRead } from "@/lib/data/alerts";
import { getConsoleShell, getOverdueStatus } from "@/lib/data/account";
import { topUp } from "@/lib/data/top-ups";
import { getAccountSummary } from "@/lib/data/bills";
import { createWebhookEndpoint } from "@/lib/data/webhooks";
import { createTranslator } from "next-intl";
import { alertText, type AlertContext } from "@/components/alerts/alert-text";
import { formatterFor } from "@/i18n/format";
import ru from "@/messages/ru.json";
import { useTestDatabase } from "./db";
import { DAY, fixtures, HOUR } from "./overdue-fixtures";

process.env.BILLING_TEST_CLOCK = "1";
process.env.WEBHOOKS_ALLOW_PRIVATE = "1";

const MAR1 = new Date("2026-03-01T00:00:00Z");
const day = (n: number, hour = 12) => new Date(MAR1.getTime() + (n - 1) * DAY + hour * HOUR);

const ruText = createTranslator({ locale: "ru", messages: ru, namespace: "alertText" });
const inRussian: AlertContext = { t: (k, v) => ruText(k, v as never), f: formatterFor("ru"), timeZone: "UTC", productName: (id) => id };

describe("alerts", () => {
  const t = useTestDatabase();
  const f = fixtures(t);
  beforeAll(async () => {
    await loadCatalog(f.db(), await readCatalogFile());
  });

  const fired = (accountId: string) =>
    f.db().select().from(alerts).where(eq(alerts.accountId, accountId)).orderBy(asc(alerts.createdAt), asc(alerts.id));

  it("a budget crosses 80 % on day 12: one alert at the crossing instant, no repeat on day 13", async () => {
    // A phone group costs 9.72 a day (1.62 per 4-hour period): 80 % of 135.00 = 108.00 is passed by day 12's first period.
    const a = await f.account({ balance: "1000" });
    await f.phone(a.id, MAR1);
    await createWebhookEndpoint(a.caller, { url: "http://127.0.0.1:9/alerts", events: ["alert.fired"] });
    await createAlertRule(a.caller, { kind: "budget", name: "March", amount: "135", actualThresholds: [50, 80, 100], forecastThresholds: [] });
    for (let n = 1; n <= 11; n++) await f.clock(a.caller, day(n));
    const before = await fired(a.id);
    expect(before.map((x) => x.key)).toEqual(["actual:50:2026-03"]);

    await f.clock(a.caller, day(12));
    const after = await fired(a.id);
    expect(after.map((x) => x.key)).toEqual(["actual:50:2026-03", "actual:80:2026-03"]);
    const eighty = after[1];
    expect(eighty.at.toISOString()).toBe("2026-03-12T04:00:00.000Z"); // 11 × 9.72 + 1.62 = 108.54 ≥ 108.00
    expect(eighty.title).toContain("80% of the 2026-03 budget");
    expect(eighty.data).toMatchObject({ basis: "actual", ruleName: "March", percent: 80, budget: "135.00" });
    // The console words it in Russian from its data; the stored English stays for the API.
    expect(alertText(eighty, inRussian).title).toBe(`March: потрачено ${new Intl.NumberFormat("ru", { style: "percent" }).format(0.8)} бюджета за 2026-03`);

    await f.clock(a.caller, day(13));
    await f.clock(a.caller, day(13, 20));
    expect((await fired(a.id)).map((x) => x.key)).toEqual(["actual:50:2026-03", "actual:80:2026-03"]);
    // One alert.fired event per alert, in the same transactions.
    const events = await f.db().select().from(webhookEvents).where(and(eq(webhookEvents.accountId, a.id), eq(webhookEvents.type, "alert.fired")));
    expect(events).toHaveLength(2);

    // The budget lists where the cycle stands and how the forecast is made.
    const [b] = await listBudgets(a.caller);
    expect(b).toMatchObject({ kind: "budget", amount: "135.00", cycle: "2026-03" });
    expect(b.forecastMethod).toMatch(/run rate of the last 7 days/);
  });

  it("forecast on a known history: 11 days of 9.72 to date, the same rate for the 20 days left", async () => {
    const a = await f.account({ balance: "1000" });
    await f.phone(a.id, MAR1);
    await f.clock(a.caller, new Date("2026-03-12T00:00:00Z"));
    const fc = await getForecast(a.caller);
    // 11 × 9.72 = 106.92 to date; last 7 days 68.04 → 9.72 a day; 106.92 + 20 × 9.72 = 301.32.
    expect(fc).toMatchObject({ cycle: "2026-03", spendToDate: "106.92", runRatePerDay: "9.72", daysLeft: "20.00", amount: "301.32" });
  });

  it("a jump over the crossing still records the crossing's own instant", async () => {
    const a = await f.account({ balance: "1000" });
    await f.phone(a.id, MAR1);
    await createAlertRule(a.caller, { kind: "budget", amount: "135", actualThresholds: [80], forecastThresholds: [] });
    await f.clock(a.caller, day(20));
    const [x] = await fired(a.id);
    expect(x.key).toBe("actual:80:2026-03");
    expect(x.at.toISOString()).toBe("2026-03-12T04:00:00.000Z");
  });

  it("a run that crosses into the next cycle still fires the crossing of the cycle it left; a product budget counts only its product", async () => {
    const a = await f.account({ balance: "1000" });
    await f.phone(a.id, MAR1);
    await createAlertRule(a.caller, { kind: "budget", amount: "135", productId: "cloud-phone", actualThresholds: [80], forecastThresholds: [] });
    await createAlertRule(a.caller, { kind: "budget", amount: "1", productId: "container-registry-enterprise", actualThresholds: [50], forecastThresholds: [] });
    await f.clock(a.caller, day(5));
    await f.clock(a.caller, new Date("2026-04-02T00:00:00Z"));
    const all = await fired(a.id);
    // April's first day (9.72) is far from 80 %; the registry budget sees none of the phone's spend.
    expect(all.map((x) => [x.key, x.at.toISOString()])).toEqual([["actual:80:2026-03", "2026-03-12T04:00:00.000Z"]]);
  });

  it("a forecast threshold fires once when the cycle-end forecast passes it", async () => {
    const a = await f.account({ balance: "1000" });
    await f.phone(a.id, MAR1);
    // 31 days at 9.72 ≈ 301: the forecast passes 100 % of 250 once a week of run rate exists.
    await createAlertRule(a.caller, { kind: "budget", amount: "250", actualThresholds: [], forecastThresholds: [100] });
    await f.clock(a.caller, day(2));
    expect(await fired(a.id)).toHaveLength(0);
    await f.clock(a.caller, day(9));
    await f.clock(a.caller, day(10));
    const all = await fired(a.id);
    expect(all.map((x) => x.key)).toEqual(["forecast:100:2026-03"]);
    expect(all[0].at.toISOString()).toBe(day(9).toISOString());
  });

  it("low balance fires when available credit drops below the floor, clears after a top-up, and fires again", async () => {
    const a = await f.account({ balance: "30" });
    await f.phone(a.id, MAR1);
    await createAlertRule(a.caller, { kind: "low_balance", amount: "10" });
    await f.clock(a.caller, day(1));
    expect(await fired(a.id)).toHaveLength(0);
    await f.clock(a.caller, day(3)); // 30 − 2.5 days × 9.72 < 10
    // The figure is the account summary's available credit at that run.
    const summary = await getAccountSummary(a.caller);
    await f.clock(a.caller, day(3, 16));
    let all = await fired(a.id);
    expect(all.map((x) => x.key)).toEqual(["low"]);
    expect(all[0].data).toMatchObject({ threshold: "10.00", availableCredit: summary.availableCredit });

    await topUp(a.caller, { amount: "100.00", idempotencyKey: "alerts-topup-1" });
    await f.clock(a.caller, day(3, 20));
    all = await fired(a.id);
    expect(all.map((x) => x.key)).toEqual(["low", "low:cleared"]);

    await f.clock(a.caller, day(14));
    all = await fired(a.id);
    expect(all.map((x) => x.key)).toEqual(["low", "low:cleared", "low"]);
  });

  it("overdue warnings: became overdue once; 'released in 24 h' fires once", async () => {
    // No money: the phone's first period (due 06:00) makes the account overdue; the registry is restricted and released 168 h later.
    const a = await f.account();
    const O = new Date("2026-03-01T06:00:00Z");
    const at = (h: number) => new Date(O.getTime() + h * HOUR);
    await f.phone(a.id, new Date("2026-03-01T02:00:00Z"));
    await f.instance(a.id, { id: "cr", productId: "container-registry-enterprise", spec: "basic", regionId: "cn-beijing", billingMethod: "subscription", createdAt: new Date("2026-03-01T02:00:00Z"), expiresAt: new Date("2027-03-01T00:00:00Z") });
    await createAlertRule(a.caller, { kind: "overdue" });
    expect((await getConsoleShell(a.caller)).overdue).toBeNull();
    await f.clock(a.caller, at(1));
    expect((await fired(a.id)).map((x) => [x.key, x.at.toISOString()])).toEqual([[`overdue:${O.toISOString()}`, O.toISOString()]]);
    // The console's frame in one read: the banner's amount is what the account's overdue status says is owed.
    const shell = await getConsoleShell(a.caller);
    expect(shell.overdue).toMatchObject({ since: O, currency: shell.account.currency });
    expect(shell.overdue!.amount.toFixed(2)).toBe((await getOverdueStatus(a.caller)).outstanding.toFixed(2));
    expect(shell.overdue!.amount.gt(0)).toBe(true);
    expect(shell.unread).toBe(1);

    await f.clock(a.caller, at(100)); // 68 h before the release: the 72 h warning
    await f.clock(a.caller, at(145)); // 23 h before: the 24 h warning
    await f.clock(a.caller, at(146));
    await f.clock(a.caller, at(160));
    await f.clock(a.caller, at(170)); // released
    const cr = (await fired(a.id)).filter((x) => x.key.startsWith("resource:cr:"));
    expect(cr.map((x) => [x.data.hours, x.at.toISOString()])).toEqual([
      [72, at(96).toISOString()],
      [24, at(144).toISOString()],
    ]);
    expect(cr[1].title).toBe("cr will be released (data deleted) in 24 h");
    expect(alertText(cr[1], inRussian).title).toBe("cr будет освобождён (данные удалены) через 24 ч");
    expect((await f.get(a.id, "cr")).status).toBe("released");
  });

  it("a run that jumps inside the last 24 h warns once, with the 24 h warning only", async () => {
    const a = await f.account();
    const O = new Date("2026-03-01T06:00:00Z");
    await f.phone(a.id, new Date("2026-03-01T02:00:00Z"));
    await createAlertRule(a.caller, { kind: "overdue" });
    // The phone is released 15 days after it stopped at O.
    await f.clock(a.caller, new Date(O.getTime() + 14 * DAY + 1 * HOUR));
    await f.clock(a.caller, new Date(O.getTime() + 14 * DAY + 2 * HOUR));
    const cp = (await fired(a.id)).filter((x) => x.key.startsWith("resource:cp:"));
    expect(cp.map((x) => x.data.hours)).toEqual([24]);
  });

  it("credit running out: 'restricted / stopped in 72 h' once, then 'in 24 h' once; a top-up re-arms", async () => {
    // 194.40 = 20 days of the phone (9.72 a day): credit runs out on 21 March. The registry's subscription is paid and burns nothing.
    const a = await f.account({ balance: "194.40" });
    await f.phone(a.id, MAR1);
    await f.instance(a.id, { id: "cr", productId: "container-registry-enterprise", spec: "basic", regionId: "cn-beijing", billingMethod: "subscription", createdAt: MAR1, expiresAt: new Date("2027-03-01T00:00:00Z") });
    await createWebhookEndpoint(a.caller, { url: "http://127.0.0.1:9/runout", events: ["alert.fired"] });
    await createAlertRule(a.caller, { kind: "overdue" });
    const runOut = async () => (await fired(a.id)).filter((x) => x.key.startsWith("runout:"));
    for (let n = 1; n <= 17; n++) await f.clock(a.caller, day(n)); // 17 March 12:00: 84 h left
    expect(await runOut()).toEqual([]);

    await f.clock(a.caller, day(18)); // 60 h left
    await f.clock(a.caller, day(18, 20));
    await f.clock(a.caller, day(19));
    let warned = await runOut();
    expect(warned.map((x) => [x.key, x.at.toISOString()])).toEqual([
      ["runout:account:restricted:72h", day(18).toISOString()],
      ["runout:quota:overdue:72h", day(18).toISOString()],
    ]);
    // The run rate of the last 7 days (9.72) over what is left: 24.30 at 18 March 12:00 lasts 2.5 days.
    expect(warned[0].data).toMatchObject({ hours: 72, availableCredit: "24.30", runRatePerDay: "9.72", predictedAt: "2026-03-21T00:00:00.000Z", nextStatus: "restricted", resources: [{ id: "cr", productId: "container-registry-enterprise" }] });
    expect(warned[1].data).toMatchObject({ nextStatus: "overdue", resources: [{ id: "cp", productId: "cloud-phone" }] });
    expect(warned[0].title).toBe("Credit runs out in about 72 h: 1 resource will be restricted");
    expect(warned[1].title).toBe("Credit runs out in about 72 h: 1 resource will be stopped");
    expect(warned[1].message).toContain("cp (cloud-phone) will be stopped");
    expect(alertText(warned[0], inRussian).title).toBe("Средства закончатся примерно через 72 ч: ресурсы будут ограничены (1)");

    await f.clock(a.caller, day(20)); // 12 h left
    await f.clock(a.caller, day(20, 16));
    warned = await runOut();
    expect(warned.map((x) => x.key)).toEqual(["runout:account:restricted:72h", "runout:quota:overdue:72h", "runout:account:restricted:24h", "runout:quota:overdue:24h"]);
    expect(warned[3].title).toBe("Credit runs out in about 24 h: 1 resource will be stopped");
    // alert.fired carries each, with its data.
    const events = await f.db().select().from(webhookEvents).where(and(eq(webhookEvents.accountId, a.id), eq(webhookEvents.type, "alert.fired")));
    expect(events.map((e) => e.data.key).filter((k) => String(k).startsWith("runout:"))).toHaveLength(4);
    expect(events.find((e) => e.data.key === "runout:quota:overdue:24h")!.data).toMatchObject({ kind: "overdue", hours: 24, predictedAt: "2026-03-21T00:00:00.000Z" });

    // A top-up of 100 (10.29 days more) moves the prediction past both thresholds: nothing fires, both re-arm.
    await topUp(a.caller, { amount: "100.00", idempotencyKey: "alerts-runout-topup" });
    for (const at of [day(20, 20), day(22), day(25), day(27)]) await f.clock(a.caller, at);
    expect(await runOut()).toHaveLength(4);
    expect((await f.get(a.id, "cp")).status).toBe("active");
    await f.clock(a.caller, day(28, 12)); // runs out 31 March ~07:00: within 72 h again
    await f.clock(a.caller, day(28, 20));
    warned = await runOut();
    expect(warned.slice(4).map((x) => [x.key, x.at.toISOString()])).toEqual([
      ["runout:account:restricted:72h", day(28).toISOString()],
      ["runout:quota:overdue:72h", day(28).toISOString()],
    ]);
  });

  it("the bell counts unread alerts per user; rules need admin or finance; another account sees nothing", async () => {
    const a = await f.account({ balance: "1000" });
    await f.phone(a.id, MAR1);
    await createAlertRule(a.caller, { kind: "budget", amount: "20", actualThresholds: [50, 100], forecastThresholds: [] });
    await f.clock(a.caller, day(4));
    expect((await getConsoleShell(a.caller)).unread).toBe(2);
    await markAlertsRead(a.caller);
    expect((await getConsoleShell(a.caller)).unread).toBe(0);
    const viewer = { ...a.caller, role: "viewer" as const, userId: "u-viewer" };
    expect((await getConsoleShell(viewer)).unread).toBe(2);
    await expect(createAlertRule(viewer, { kind: "overdue" })).rejects.toMatchObject({ status: 403 });
    await expect(createAlertRule(a.caller, { kind: "budget", amount: "-1" })).rejects.toMatchObject({ status: 400 });
    await expect(createAlertRule(a.caller, { kind: "budget", amount: "10", productId: "nope" })).rejects.toMatchObject({ status: 400 });
    const other = await f.account();
    expect((await listAlerts(other.caller)).data).toHaveLength(0);
  });
});
