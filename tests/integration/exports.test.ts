// Exports and the Bill Details views on a real database: the streamed CSV of
// Billing Details equals every page of the listing (rows and totals to the
// cent), formula-looking text is neutralised while negative amounts stay
// numbers, FOCUS rows carry every mandatory column with valid values, usage
// aggregates per bucket in the account's zone, the summary reconciles with the
// details, column choices persist per user, and bad input is a 400.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.mock("next-auth", async (orig) => ({ ...(await orig<object>()), getServerSession: async () => null }));

import { and, eq } from "drizzle-orm";
import { parse } from "csv-parse/sync";
import { GET as billLinesGET } from "@/app/api/v1/bill-lines/route";
import { GET as exportGET } from "@/app/(console)/bill-details/export/route";
import { billLines, columnPreferences, instances, orders } from "@/db/schema";
import { insertUsageRows } from "@/db/seed/insert-usage";
import { loadCatalog, readCatalogFile } from "@/lib/billing/catalog";
import { fixedClock, realClock, setSystemClock } from "@/lib/clock";
import { OPERATOR, type Caller } from "@/lib/data/caller";
import { createAccount, createApiKey } from "@/lib/data/operator";
import { getColumnPreference, saveColumnPreference } from "@/lib/data/views/columns";
import { listUsage } from "@/lib/data/views/usage";
import { getSummary } from "@/lib/data/views/summary";
import { getOverview } from "@/lib/data/views/overview";
import { getForecast } from "@/lib/data/alerts";
import { CHARGE_CATEGORIES, FOCUS_COLUMNS, FOCUS_MANDATORY, SERVICE_CATEGORIES } from "@/lib/exports/focus";
import { DETAIL_COLUMNS } from "@/lib/exports/columns";
import { csvCell, csvLine } from "@/lib/exports/csv";
import { csvHeaderWords } from "@/lib/exports/headers";
import { dec, sum } from "@/lib/money";
import { uniq, useTestDatabase } from "./db";
import { insertBillLines } from "./lines";

const NOW = "2026-11-10T00:00:00Z";
type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
type Line = typeof billLines.$inferInsert;

/** RFC 4180 rows, read by an independent parser. */
const parseCsv = (text: string): string[][] => parse(text, { bom: false });

function lines(accountId: string): Line[] {
  const out: Line[] = [];
  const base = { accountId, billingCycle: "2026-10", lineType: "usage", regionId: "cn-hangzhou", currency: "USD" as const,
    usageUnit: "hour", priceUnit: "USD/hour", ratedAt: new Date(NOW) };
  for (let d = 1; d <= 31; d++) {
    const day = `2026-10-${String(d).padStart(2, "0")}`;
    for (const [inst, name, method] of [["cp-1", "=HYPERLINK(\"x\")", "payg"], ["cp-2", "phones, \"two\"", "payg"], ["oss-1", "+bucket", "payg"]] as const) {
      const amount = dec(d).times(inst === "oss-1" ? "0.013" : "0.4571").toFixed(6);
      out.push({ ...base, id: `${inst}.${day}`, billDate: day, productId: inst.startsWith("cp") ? "cloud-phone" : "oss",
        productDetail: inst.startsWith("cp") ? "acp.basic.small" : "-Standard", instanceId: inst, instanceName: name,
        billingMethod: method, billableItemId: inst.startsWith("cp") ? "cloud-phone.instance" : "oss.storage",
        usageQuantity: "24", unitPrice: "0.0457", originalAmount: amount, pretaxAmount: amount,
        paidFromBalance: d < 20 ? amount : "0", outstandingAmount: d < 20 ? "0" : amount, dueAt: new Date(`${day}T20:00:00Z`) });
    }
  }
  out.push({ ...base, id: "adj-1", billDate: "2026-10-15", lineType: "adjustment", productId: "cloud-phone", productDetail: "acp.basic.small",
    instanceId: "cp-1", instanceName: "=HYPERLINK(\"x\")", billingMethod: "payg", billableItemId: "cloud-phone.instance",
    usageQuantity: "0", unitPrice: "0", originalAmount: "-1.25", pretaxAmount: "-1.25", paidFromBalance: "-1.25", dueAt: new Date("2026-10-15T00:00:00Z") });
  out.push({ ...base, id: "ord-1.line", billDate: "2026-10-03", lineType: "subscription", productId: "container-registry-enterprise",
    productDetail: "Enterprise Basic", instanceId: "cre-1", instanceName: "registry", billingMethod: "subscription",
    billableItemId: "container-registry-enterprise.instance", usageQuantity: "1", usageUnit: "month", unitPrice: "113",
    priceUnit: "USD/month", originalAmount: "113", pretaxAmount: "113", paidFromBalance: "113", orderId: "ord-1", dueAt: new Date("2026-10-03T00:00:00Z") });
  return out;
}

describe("Bill Details views and exports", () => {
  const t = useTestDatabase();
  const A = uniq("views-a");
  const B = uniq("views-b");
  let keyA = "";
  const userA: () => Caller = () => ({ kind: "user", accountId: A, userId: "u-fin", role: "finance", email: "f@x.test", name: "Fin" });

  const get = async (handler: Handler, url: string, key: string | null = keyA) => {
    const headers: Record<string, string> = key ? { authorization: `Bearer ${key}` } : {};
    return handler(new Request(`http://localhost${url}`, { headers }), { params: Promise.resolve({}) });
  };
  const csv = async (res: Response) => {
    expect(res.status, res.status === 200 ? "" : await res.clone().text()).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // UTF-8 BOM
    return parseCsv(new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes).slice(1));
  };
  /** All pages of the JSON listing. */
  async function allPages(qs: string) {
    const rows: Record<string, string>[] = [];
    let token: string | null = null;
    let totals: Record<string, string> = {};
    let totalCount = 0;
    do {
      const res = await get(billLinesGET as Handler, `/api/v1/bill-lines?${qs}&limit=7${token ? `&nextToken=${encodeURIComponent(token)}` : ""}`);
      const body = (await res.json()) as { data: Record<string, string>[]; nextToken: string | null; totals: Record<string, string>; totalCount: number };
      rows.push(...body.data);
      token = body.nextToken;
      totals = body.totals;
      totalCount = body.totalCount;
    } while (token);
    return { rows, totals, totalCount };
  }

  beforeAll(async () => {
    setSystemClock(fixedClock(NOW));
    const db = t.handle().db;
    await loadCatalog(db, await readCatalogFile());
    await createAccount(OPERATOR, { id: A, name: "Views A", timeZone: "Asia/Shanghai" });
    await createAccount(OPERATOR, { id: B, name: "Views B" });
    keyA = (await createApiKey(OPERATOR, { accountId: A, name: "reader", role: "viewer" })).key;
    await insertBillLines(db, lines(A));
    // B shares ids: only the account tells them apart.
    await insertBillLines(db, lines(B).map((l) => ({ ...l, pretaxAmount: "99", originalAmount: "99" })));
    await db.insert(orders).values({ accountId: A, id: "ord-1", orderNo: "202610030001", instanceId: "cre-1",
      productId: "container-registry-enterprise", orderType: "new", months: 1, originalAmount: "113", payableAmount: "113",
      paidAmount: "113", status: "paid", createdAt: new Date("2026-10-03T01:00:00Z") });
    const at = new Date("2026-10-01T00:00:00Z");
    await db.insert(instances).values(["cp-1", "cp-2"].map((id) => ({ accountId: A, id, productId: "cloud-phone", name: id,
      regionId: "cn-hangzhou", billingMethod: "payg" as const, createdAt: at, billingAnchorAt: at, statusSince: at })));
    // Usage: cp-1 every hour from 2026-10-01 15:00Z to 17:59Z (23:00–01:59 in Shanghai) → two local days.
    const usage = [];
    for (let h = 15; h < 18; h++) {
      for (const m of [0, 30]) {
        const start = new Date(Date.UTC(2026, 9, 1, h, m));
        usage.push({ accountId: A, id: `u-${h}-${m}`, instanceId: "cp-1", itemId: "cloud-phone.instance", quantity: "0.5",
          startAt: start, endAt: new Date(start.getTime() + 1_800_000), attributes: null });
      }
    }
    usage.push({ accountId: B, id: "u-b", instanceId: "cp-1", itemId: "cloud-phone.instance", quantity: "100",
      startAt: new Date("2026-10-01T15:00:00Z"), endAt: new Date("2026-10-01T16:00:00Z"), attributes: null });
    await insertUsageRows(db, usage);
  });
  afterAll(() => setSystemClock(realClock));

  it("exports Billing Details as shown: every page, chosen columns, totals to the cent", async () => {
    const qs = "billingCycle=2026-10&productId=cloud-phone&billingMethod=payg&isHideZeroCharge=true&sort=pretaxAmount:desc";
    const listing = await allPages(qs);
    const rows = await csv(await get(billLinesGET as Handler, `/api/v1/bill-lines?${qs}&format=csv&columns=instanceId,instanceName,pretaxAmount,outstandingAmount`));
    expect(rows[0]).toEqual(["Instance ID", "Instance name", "Pretax amount", "Outstanding"]);
    const body = rows.slice(1);
    expect(body).toHaveLength(listing.totalCount);
    expect(body.map((r) => r[2])).toEqual(listing.rows.map((r) => r.pretaxAmount));
    expect(sum(body.map((r) => r[2])).toFixed(2)).toBe(listing.totals.pretaxAmount);
    expect(sum(body.map((r) => r[3])).toFixed(2)).toBe(listing.totals.outstandingAmount);
    // Formula text neutralised; the negative adjustment stays a number; commas/quotes survive.
    expect(body.some((r) => r[1] === "'=HYPERLINK(\"x\")")).toBe(true);
    expect(body.some((r) => r[1] === 'phones, "two"')).toBe(true);
    expect(body.find((r) => r[2].startsWith("-"))?.[2]).toBe("-1.25");
  });

  it("writes every column as the listing shows it: quantities trimmed, methods labelled, text neutralised", async () => {
    const listing = await allPages("billingCycle=2026-10");
    const keys = DETAIL_COLUMNS.map((c) => c.key);
    const rows = await csv(await get(billLinesGET as Handler, `/api/v1/bill-lines?billingCycle=2026-10&format=csv&columns=${keys.join(",")}`));
    const words = csvHeaderWords("en");
    expect(rows[0]).toEqual(DETAIL_COLUMNS.map((c) => words.details[c.key as keyof typeof words.details]));
    // The API keeps a unit price's 6 decimals; the console and its CSV trim it like any quantity.
    // (These lines carry no tags: "{}"; tagged lines' cells are in tags.test.ts.)
    const shown = (r: Record<string, string>, key: string) =>
      key === "tags" ? JSON.stringify(r.tags) : key === "billingMethod" ? (words.billingMethod[r[key] as keyof typeof words.billingMethod] ?? r[key]) : key === "listPrice" && r[key] ? dec(r[key]).toFixed() : r[key];
    const want = listing.rows.map((r) => parseCsv(csvLine(DETAIL_COLUMNS.map((c) => csvCell(shown(r, c.key), c.kind))))[0]);
    expect(rows.slice(1)).toEqual(want);
    expect(rows.slice(1).some((r) => r[keys.indexOf("usage")] === "24" && r[keys.indexOf("listPrice")] === "0.0457")).toBe(true);
    expect(rows.slice(1).some((r) => r[keys.indexOf("billingMethod")] === "Pay-as-you-go")).toBe(true);
  });

  it("words the header row in Russian on request while every cell stays machine-readable", async () => {
    const qs = "billingCycle=2026-10&format=csv&columns=billingMethod,pretaxAmount,usage";
    const en = await csv(await get(billLinesGET as Handler, `/api/v1/bill-lines?${qs}`));
    const ru = await csv(await get(billLinesGET as Handler, `/api/v1/bill-lines?${qs}&headers=ru`));
    expect(ru[0]).toEqual(["Способ оплаты", "Потребление", "Сумма без налога"]); // catalogue order
    expect(ru).toHaveLength(en.length);
    // Amounts and quantities are the same dot-decimal strings; only the method's label is in Russian.
    expect(ru.slice(1).map((r) => [r[1], r[2]])).toEqual(en.slice(1).map((r) => [r[1], r[2]]));
    expect(ru.slice(1).every((r) => /^-?\d+(\.\d+)?$/.test(r[2]))).toBe(true);
    expect(ru.slice(1).some((r) => r[0] === "Оплата по факту")).toBe(true);
    // The console's other tabs too; FOCUS keeps the specification's column names whatever is asked.
    const usage = await csv(await get(exportGET as Handler, "/bill-details/export?tab=usage&billingCycle=2026-10&unit=day&headers=ru"));
    expect(usage[0]).toEqual(["Время", "Продукт", "ID экземпляра", "Имя экземпляра", "Тарифицируемая позиция", "Потребление", "Ед. изм.", "Записей"]);
    const focus = await csv(await get(exportGET as Handler, "/bill-details/export?tab=focus&billingCycle=2026-10&headers=ru"));
    const english = await csv(await get(exportGET as Handler, "/bill-details/export?tab=focus&billingCycle=2026-10"));
    expect(focus[0]).toEqual([...FOCUS_COLUMNS]);
    expect(focus).toEqual(english); // values too: categories, units and frequencies as the spec spells them
    // An unknown language is a 400 on the API, not a silent English file.
    expect((await get(billLinesGET as Handler, `/api/v1/bill-lines?${qs}&headers=de`)).status).toBe(400);
  });

  it("exports grouped rows (group by instance) that sum to the listing's totals", async () => {
    const qs = "billingCycle=2026-10&groupBy=instanceId&granularity=MONTHLY";
    const listing = await allPages(qs);
    const rows = (await csv(await get(billLinesGET as Handler, `/api/v1/bill-lines?${qs}&format=csv&columns=instanceId,pretaxAmount`))).slice(1);
    expect(rows.map((r) => r[0])).toEqual(listing.rows.map((r) => r.instanceId));
    expect(rows).toHaveLength(4);
    expect(sum(rows.map((r) => r[1])).toFixed(2)).toBe(listing.totals.pretaxAmount);
  });

  it("exports FOCUS 1.2 with every mandatory column and valid values", async () => {
    const [header, ...rows] = await csv(await get(billLinesGET as Handler, "/api/v1/bill-lines?billingCycle=2026-10&format=focus"));
    for (const c of [...FOCUS_MANDATORY, "ConsumedQuantity", "ConsumedUnit", "ListUnitPrice", "RegionId", "ResourceId", "ResourceName", "ResourceType", "SkuId", "SkuPriceId", "SkuMeter", "SkuPriceDetails", "ServiceSubcategory", "AvailabilityZone", "InvoiceId"]) {
      expect(header, c).toContain(c);
    }
    expect(rows).toHaveLength(lines(A).length);
    const col = (r: string[], name: string) => r[header.indexOf(name)];
    const categories = new Set(rows.map((r) => col(r, "ChargeCategory")));
    // The hand-made adjustment corrects nothing rated here: a provider Adjustment.
    expect([...categories].sort()).toEqual(["Adjustment", "Purchase", "Usage"]);
    for (const r of rows) {
      expect(CHARGE_CATEGORIES).toContain(col(r, "ChargeCategory"));
      expect(SERVICE_CATEGORIES).toContain(col(r, "ServiceCategory"));
      for (const c of FOCUS_MANDATORY.filter((c) => c !== "ChargeClass")) expect(col(r, c), c).not.toBe("");
      for (const c of ["BilledCost", "EffectiveCost", "ListCost", "ContractedCost", "PricingQuantity"]) expect(col(r, c)).toMatch(/^-?\d+(\.\d+)?$/);
      for (const c of ["BillingPeriodStart", "BillingPeriodEnd", "ChargePeriodStart", "ChargePeriodEnd"]) expect(col(r, c)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      expect(col(r, "BillingAccountId")).toBe(A);
      expect(col(r, "BillingPeriodStart")).toBe("2026-09-30T16:00:00Z"); // Shanghai midnight
    }
    const billed = sum(rows.map((r) => col(r, "BilledCost"))).toFixed(2);
    expect(billed).toBe((await allPages("billingCycle=2026-10")).totals.pretaxAmount);
  });

  it("exports the other tabs from the console route", async () => {
    const bills = await csv(await get(exportGET as Handler, "/bill-details/export?tab=bills&billingCycle=2026-10&orderNo=202610030001"));
    expect(bills).toHaveLength(2);
    expect(bills[1]).toContain("202610030001");

    const summary = (await csv(await get(exportGET as Handler, "/bill-details/export?tab=summary&billingCycle=2026-10&dimension=productId"))).slice(1);
    expect(summary.map((r) => r[0]).sort()).toEqual(["cloud-phone", "container-registry-enterprise", "oss"]);
    expect(sum(summary.map((r) => r[5])).toFixed(2)).toBe((await allPages("billingCycle=2026-10")).totals.pretaxAmount);

    const byHour = (await csv(await get(exportGET as Handler, "/bill-details/export?tab=usage&billingCycle=2026-10&unit=hour"))).slice(1);
    expect(byHour.map((r) => [r[0], r[5]])).toEqual([["2026-10-01 23:00", "1"], ["2026-10-02 00:00", "1"], ["2026-10-02 01:00", "1"]]);
    const byDay = (await csv(await get(exportGET as Handler, "/bill-details/export?tab=usage&billingCycle=2026-10&unit=day"))).slice(1);
    expect(byDay.map((r) => [r[0], r[2], r[5], r[6]])).toEqual([["2026-10-01", "cp-1", "1", "hour"], ["2026-10-02", "cp-1", "2", "hour"]]);
  });

  it.each([
    ["/bill-details/export?tab=nope&billingCycle=2026-10", "tab"],
    ["/bill-details/export?tab=usage&billingCycle=2026-13", "billingCycle"],
    ["/bill-details/export?tab=usage&billingCycle=2026-10&unit=week", "unit"],
    ["/bill-details/export?tab=usage&billingCycle=2026-10&from=2026-10-09&to=2026-10-01", "to"],
    ["/bill-details/export?tab=summary&billingCycle=2026-10&dimension=price", "dimension"],
    ["/api/v1/bill-lines?billingCycle=2026-10&format=xml", "format"],
    ["/api/v1/bill-lines?billingCycle=2026-10&format=csv&groupBy=colour", "groupBy"],
  ])("refuses %s with a 400 naming %s", async (url, field) => {
    const res = await get((url.startsWith("/api") ? billLinesGET : exportGET) as Handler, url);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain(field);
  });

  it("needs a caller", async () => {
    expect((await get(exportGET as Handler, "/bill-details/export?tab=bills&billingCycle=2026-10", null)).status).toBe(401);
  });

  it("pages usage records with a total count, scoped to the account", async () => {
    const page = await listUsage(userA(), { billingCycle: "2026-10", unit: "hour", limit: "2", page: "2" });
    expect(page.totalCount).toBe(3);
    expect(page.data.map((r) => r.bucket)).toEqual(["2026-10-02 01:00"]);
  });

  it("summarises by dimension, reconciling with Billing Details", async () => {
    const all = await allPages("billingCycle=2026-10");
    for (const dimension of ["productId", "productDetail", "billingMethod", "regionId", "instanceId"]) {
      const { data } = await getSummary(userA(), { billingCycle: "2026-10", dimension });
      expect(sum(data.map((r) => r.pretaxAmount)).toFixed(2), dimension).toBe(all.totals.pretaxAmount);
      expect(sum(data.map((r) => r.outstandingAmount)).toFixed(2)).toBe(all.totals.outstandingAmount);
    }
    const { data } = await getSummary(userA(), { billingCycle: "2026-10", dimension: "instanceId" });
    // Every outstanding line is past due on 2026-11-10.
    expect(data.every((r) => dec(r.overdueAmount).eq(r.outstandingAmount))).toBe(true);
  });

  it("saves column choices per user and refuses unknown columns, writing nothing", async () => {
    expect(await getColumnPreference(userA(), "bill-details")).toBeNull();
    await expect(saveColumnPreference(userA(), "bill-details", ["instanceId", "nope"])).rejects.toThrow(/not a known column/);
    await expect(saveColumnPreference(userA(), "bill-details", [])).rejects.toThrow(/at least one/);
    const db = t.handle().db;
    expect(await db.select().from(columnPreferences).where(eq(columnPreferences.accountId, A))).toHaveLength(0);
    await saveColumnPreference(userA(), "bill-details", ["pretaxAmount", "instanceId", "instanceId"]);
    expect(await getColumnPreference(userA(), "bill-details")).toEqual(["pretaxAmount", "instanceId"]);
    const other: Caller = { ...(userA() as Extract<Caller, { kind: "user" }>), userId: "u-other" };
    expect(await getColumnPreference(other, "bill-details")).toBeNull();
    await saveColumnPreference(userA(), "bill-details", ["orderNo"]);
    const saved = await db.select().from(columnPreferences).where(and(eq(columnPreferences.accountId, A), eq(columnPreferences.userId, "u-fin")));
    expect(saved.map((s) => s.columns)).toEqual([["orderNo"]]);
  });

  it("builds the overview from the account's own lines", async () => {
    setSystemClock(fixedClock("2026-10-16T16:00:00Z")); // mid-October in Shanghai
    try {
      const o = await getOverview(userA());
      expect(o.cycle).toBe("2026-10");
      const all = await allPages("billingCycle=2026-10");
      expect(o.spendToDate).toBe(all.totals.pretaxAmount);
      // The cycle-end forecast the Overview shows never falls below what is already spent.
      expect(dec((await getForecast(userA())).amount).gte(o.spendToDate)).toBe(true);
      expect(o.trend.rows).toHaveLength(12);
      expect(o.trend.rows[11].cycle).toBe("2026-10");
      expect(sum(o.trend.products.map((p) => o.trend.rows[11][p.id])).toFixed(2)).toBe(all.totals.pretaxAmount);
      expect(o.topInstances.map((r) => r.instanceId)).toEqual(["cp-2", "cp-1", "cre-1", "oss-1"]);
    } finally {
      setSystemClock(fixedClock(NOW));
    }
  });
});
