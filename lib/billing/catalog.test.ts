import { readFileSync } from "node:fs";
import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDatabase, openDatabase, type DbHandle } from "@/db/client";
import { billableItems, prices, products, regionGroups, regions, type BillingMethod } from "@/db/schema";
import { D } from "@/lib/money";
import {
  CatalogError,
  DEFAULT_CATALOG_PATH,
  PriceNotFoundError,
  findPrice,
  loadCatalog,
  parseCatalog,
  readCatalogFile,
  regionGroupOf,
  termDiscountOf,
  type Catalog,
} from "./catalog";

const rawFile = () => JSON.parse(readFileSync(DEFAULT_CATALOG_PATH, "utf8"));
const at = new Date("2025-06-15T12:00:00Z");
const eqId = (id: string) => eq(prices.id, id);

// The published prices (docs/billing-rules.md#catalog-and-prices), copied by hand so a slip in the JSON is caught.
const PHONE: Record<string, { cn: [string, string]; intl: [string, string] }> = {
  // spec: [monthly, hourly] per region group
  "acp.basic.small": { cn: ["9.9057", "0.0457"], intl: ["15.3538", "0.0709"] },
  "acp.std.small": { cn: ["13.8679", "0.0579"], intl: ["21.4953", "0.0898"] },
  "acp.std.medium": { cn: ["14.9347", "0.0610"], intl: ["23.1488", "0.0945"] },
  "acp.std.large": { cn: ["21.3353", "0.0808"], intl: ["33.0697", "0.1252"] },
  "acp.perf.large": { cn: ["36.4224", "0.1524"], intl: ["56.4546", "0.2362"] },
};
const IMAGE_SEARCH: Record<string, string> = {
  "100k-1": "300",
  "2.5m-5": "800",
  "2.5m-10": "1500",
  "5m-5": "1600",
  "5m-10": "2900",
  "10m-5": "2900",
  "10m-10": "5500",
  "20m-5": "5500",
  "20m-10": "10300",
  "30m-5": "7900",
  "30m-10": "14700",
  "40m-5": "10000",
  "40m-10": "18600",
  "50m-5": "11800",
  "50m-10": "22100",
};
// area → a region in it, Basic, Advanced
const CR_ENTERPRISE: [string, string, string][] = [
  ["cn-hangzhou", "113", "428"],
  ["ap-southeast-1", "179", "682"],
  ["eu-central-1", "146", "557"],
  ["me-east-1", "151", "574"],
];

describe("the shipped catalog", () => {
  let catalog: Catalog;
  beforeAll(async () => {
    catalog = await readCatalogFile();
  });

  const usd = (itemId: string, regionId: string, spec: string | null, billingMethod: BillingMethod, when = at) =>
    findPrice(catalog, { itemId, regionId, spec, billingMethod, currency: "USD", at: when }).unitPrice.toFixed();

  it("parses and has every published product", () => {
    expect(catalog.products.map((p) => p.id).sort()).toEqual(
      [
        "cloud-phone",
        "container-registry-enterprise",
        "container-registry-personal",
        "eip",
        "image-search",
        "nat-gateway",
        "oss",
        "registry-storage",
      ].sort(),
    );
  });

  it.each(Object.entries(PHONE))("Cloud Phone %s has the published prices in both region groups", (spec, figures) => {
    for (const [region, [monthly, hourly]] of [
      ["cn-shanghai", figures.cn],
      ["cn-hongkong", figures.intl],
    ] as const) {
      expect(usd("cloud-phone.instance", region, spec, "subscription")).toBe(new D(monthly).toFixed());
      expect(usd("cloud-phone.instance", region, spec, "payg")).toBe(new D(hourly).toFixed());
    }
  });

  it.each(Object.entries(IMAGE_SEARCH))("Image Search package %s costs %s USD/month", (spec, figure) => {
    expect(usd("image-search.package", "cn-hangzhou", spec, "subscription")).toBe(figure);
  });

  it("the 100k/1 package is the free trial at its list price", () => {
    const spec = catalog.products.find((p) => p.id === "image-search")!.specs.find((s) => s.id === "100k-1")!;
    expect(spec.metadata.trial).toBe(true);
    expect(usd("image-search.package", "us-east-1", "100k-1", "subscription")).toBe("300");
  });

  it.each(CR_ENTERPRISE)("Container Registry Enterprise in %s: Basic %s, Advanced %s", (region, basic, advanced) => {
    expect(usd("container-registry-enterprise.instance", region, "basic", "subscription")).toBe(basic);
    expect(usd("container-registry-enterprise.instance", region, "advanced", "subscription")).toBe(advanced);
  });

  it("prices Container Registry Personal and the free traffic at 0", () => {
    expect(usd("container-registry-personal.instance", "cn-beijing", null, "free")).toBe("0");
    expect(usd("oss.vpc-egress", "cn-beijing", null, "payg")).toBe("0");
    expect(usd("oss.replication-egress", "cn-beijing", null, "payg")).toBe("0");
  });

  it("makes the scanner paid from 2023-04-24T00:00:00Z", () => {
    const scan = (iso: string) => findPrice(catalog, { itemId: "registry-storage.scanner", regionId: "cn-hangzhou", billingMethod: "payg", currency: "USD", at: new Date(iso) });
    expect(scan("2023-04-23T23:59:59Z").unitPrice.isZero()).toBe(true);
    expect(scan("2023-04-24T00:00:00Z").unitPrice.gt(0)).toBe(true);
    expect(scan("2023-04-24T00:00:00Z").isDefault).toBe(true);
  });

  it("tiers registry egress with a free first tier", () => {
    const p = findPrice(catalog, { itemId: "registry-storage.egress", regionId: "cn-hangzhou", billingMethod: "payg", currency: "USD", at });
    expect(p.tiers?.[0].unitPrice.isZero()).toBe(true);
    expect(p.tiers?.at(-1)?.upTo).toBeNull();
  });

  it("labels every figure not from a seed, and converts RUB/KZT at the documented rates", () => {
    const rates = (catalog.notes.conversion as { rates: Record<string, string> }).rates;
    for (const p of catalog.prices) {
      if (p.isDefault) expect(p.note, p.id).toBeTruthy();
      if (p.currency === "USD") continue;
      const base = catalog.prices.find((u) => u.id === p.id.replace(`.${p.currency}.`, ".USD."))!;
      expect(p.unitPrice.toFixed(), p.id).toBe(base.unitPrice.times(rates[p.currency]).toDecimalPlaces(6).toFixed());
      expect(p.isDefault || p.unitPrice.isZero(), p.id).toBe(true);
    }
  });

  it("prices every region in RUB and KZT too", () => {
    for (const region of catalog.regions)
      for (const currency of ["RUB", "KZT"] as const)
        expect(
          findPrice(catalog, { itemId: "cloud-phone.instance", regionId: region.id, spec: "acp.std.large", billingMethod: "payg", currency, at }).currency,
        ).toBe(currency);
  });

  it("maps regions to groups per scheme", () => {
    expect(regionGroupOf(catalog, "cn-hangzhou", "phone")).toBe("phone-cn");
    expect(regionGroupOf(catalog, "cn-hongkong", "phone")).toBe("phone-intl");
    expect(regionGroupOf(catalog, "ap-south-1", "cr")).toBe("cr-middle-east-india");
    expect(regionGroupOf(catalog, "mars-1", "cr")).toBeNull();
  });

  it("throws PriceNotFoundError for what it does not price", () => {
    const q = { itemId: "cloud-phone.instance", regionId: "cn-hangzhou", spec: "acp.std.large", billingMethod: "payg", currency: "USD", at } as const;
    expect(() => findPrice(catalog, { ...q, regionId: "mars-1" })).toThrow(PriceNotFoundError);
    expect(() => findPrice(catalog, { ...q, spec: "acp.huge" })).toThrow(PriceNotFoundError);
    expect(() => findPrice(catalog, { ...q, at: new Date("2019-01-01T00:00:00Z") })).toThrow(/no price in force/);
    expect(() => findPrice(catalog, { ...q, itemId: "nope.instance" })).toThrow(/unknown billable item/);
  });

  it("names every product, billable item, spec, region and region group in Russian too", () => {
    const missing = [
      ...catalog.products.flatMap((p) => [
        ...(p.names?.ru ? [] : [`product ${p.id}`]),
        ...p.items.filter((i) => !i.names?.ru).map((i) => `item ${i.id}`),
        ...p.specs.filter((x) => !x.names?.ru).map((x) => `spec ${p.id}.${x.id}`),
      ]),
      ...catalog.regions.filter((r) => !r.names?.ru).map((r) => `region ${r.id}`),
      ...catalog.regionGroups.filter((g) => !g.names?.ru).map((g) => `region group ${g.id}`),
    ];
    expect(missing).toEqual([]);
    expect(catalog.regions.find((r) => r.id === "cn-hangzhou")?.names?.ru).toBe("Китай (Ханчжоу)");
    // Russian names are Russian: none is a copy of the English one, except brand-led product names.
    const copies = catalog.regions.filter((r) => r.names?.ru === r.name).map((r) => r.id);
    expect(copies).toEqual([]);
  });

  it("discounts 12-month subscriptions, but not Image Search packages", () => {
    expect(termDiscountOf(catalog, "cloud-phone", 12).toFixed()).toBe("0.15");
    expect(termDiscountOf(catalog, "cloud-phone", 1).isZero()).toBe(true);
    expect(termDiscountOf(catalog, "image-search", 12).isZero()).toBe(true);
  });
});

describe("bad files", () => {
  const refuse = (mutate: (f: ReturnType<typeof rawFile>) => void, message: RegExp) => {
    const f = rawFile();
    mutate(f);
    expect(() => parseCatalog(f)).toThrow(CatalogError);
    expect(() => parseCatalog(f)).toThrow(message);
  };

  it("names the field of a bad money string", () =>
    refuse((f) => (f.prices[5].unitPrice = 1.5), /prices\[5\]\.unitPrice \(.+\): /));
  it("refuses a number-like typo too", () => refuse((f) => (f.prices[0].unitPrice = "1,5"), /prices\[0\]\.unitPrice/));
  it("names an unknown rule", () => refuse((f) => (f.products[0].items[0].rule = "magic"), /products\[0\]\.items\[0\]\.rule/));
  it("refuses a name keyed by something other than a language code", () =>
    refuse((f) => (f.regions[0].names = { russian: "Китай" }), /regions\[0\]\.names: must be keyed by language code/));
  it("refuses an empty translated name", () => refuse((f) => (f.products[0].names = { ru: "" }), /products\[0\]\.names\.ru/));
  it("refuses an unknown key", () => refuse((f) => (f.prices[0].unitprice = "1"), /prices\[0\]/));
  it("refuses a price of an unknown item", () =>
    refuse((f) => (f.prices[0].itemId = "nope.instance"), /prices\[0\]\.itemId .*unknown billable item/));
  it("refuses a spec the product does not have", () => {
    refuse((f) => {
      const i = f.prices.findIndex((p: { itemId: string }) => p.itemId === "cloud-phone.instance");
      f.prices[i].spec = "acp.huge";
    }, /prices\[\d+\]\.spec/);
  });
  it("refuses a non-UTC instant", () =>
    refuse((f) => (f.prices[0].effectiveFrom = "2020-01-01T00:00:00+03:00"), /prices\[0\]\.effectiveFrom/));
  it("refuses overlapping prices", () => {
    refuse((f) => {
      const i = f.prices.findIndex((p: { id: string }) => p.id === "registry-storage.scanner.payg.USD.2020-01-01");
      f.prices[i].effectiveTo = "2023-05-01T00:00:00Z";
    }, /effectiveFrom.*overlaps/);
  });
  it("refuses a FOCUS subcategory outside its category", () =>
    refuse((f) => (f.products[0].serviceSubcategory = "Object Storage"), /products\[0\]\.serviceSubcategory: "Object Storage" is not a FOCUS subcategory of "Compute"/));
  it("refuses a service category FOCUS does not list", () => refuse((f) => (f.products[0].serviceCategory = "Containers"), /products\[0\]\.serviceCategory/));
  it("refuses a zone listed under two regions", () =>
    refuse((f) => f.regions[1].zones.push(f.regions[0].zones[0]), /regions\[1\]\.zones\[3\]: duplicate id "cn-hangzhou-h"/));
  it("refuses a default without a note", () =>
    refuse((f) => {
      const i = f.prices.findIndex((p: { isDefault: boolean }) => p.isDefault);
      delete f.prices[i].note;
    }, /prices\[\d+\]\.note/));
  it("refuses an id that is not the derived one", () => refuse((f) => (f.prices[0].id = "x"), /prices\[0\]\.id .*must be/));
  it("a package-quota item names the spec metadata holding its quota, and every spec has it", () => {
    const is = (f: Record<string, any>) => f.products.findIndex((p: { id: string }) => p.id === "image-search"); // eslint-disable-line @typescript-eslint/no-explicit-any
    refuse((f) => delete f.products[is(f)].items[1].quotaKey, /items\[1\]\.quotaKey: a package-quota item names/);
    refuse((f) => delete f.products[is(f)].specs[2].metadata.indexedImages, /specs\[2\]\.metadata\.indexedImages: must be the package's quota/);
    refuse((f) => (f.products[is(f)].items[0].quotaKey = "qps"), /items\[0\]\.quotaKey: only a package-quota item/);
  });
  it("refuses a region in an unknown group", () => refuse((f) => f.regions[0].groups.push("cr-moon"), /regions\[0\]\.groups\[2\]/));
});

describe("loadCatalog", () => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await openDatabase({ dataDir: "memory://" });
    await migrateDatabase(handle);
  }, 60_000);
  afterAll(() => handle?.close());

  const rowCounts = async () => {
    const n = async (t: typeof products | typeof prices | typeof regions | typeof regionGroups | typeof billableItems) =>
      (await handle.db.select({ n: count() }).from(t))[0].n;
    return {
      products: await n(products),
      regionGroups: await n(regionGroups),
      regions: await n(regions),
      billableItems: await n(billableItems),
      prices: await n(prices),
    };
  };

  it("is idempotent and deletes prices that left the file", async () => {
    const catalog = await readCatalogFile();
    const first = await loadCatalog(handle.db, catalog);
    const afterFirst = await rowCounts();
    expect(afterFirst).toEqual({
      products: first.products,
      regionGroups: first.regionGroups,
      regions: first.regions,
      billableItems: first.billableItems,
      prices: first.prices,
    });
    const second = await loadCatalog(handle.db, catalog);
    expect(second.pricesRemoved).toBe(0);
    expect(await rowCounts()).toEqual(afterFirst);

    const [stored] = await handle.db.select().from(prices).where(eqId("cloud-phone.instance.phone-cn.acp.std.large.payg.USD.2020-01-01"));
    expect(stored.unitPrice).toBe("0.080800");

    const gone = "image-search.package.50m-10.subscription.KZT.2020-01-01";
    const f = rawFile();
    f.prices = f.prices.filter((p: { id: string }) => p.id !== gone);
    const third = await loadCatalog(handle.db, parseCatalog(f));
    expect(third.pricesRemoved).toBe(1);
    expect(await rowCounts()).toEqual({ ...afterFirst, prices: afterFirst.prices - 1 });
    expect(await handle.db.select().from(prices).where(eqId(gone))).toEqual([]);
  });
});
