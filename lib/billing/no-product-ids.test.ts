// The catalog decides how a product is rated, quoted and ordered: code under
// lib/ never names a product id (or an item id built from one) as a value, and
// code under db/ (the demo seed) never branches on one to decide a billing fact.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.join(process.cwd(), "lib");
const DB = path.join(process.cwd(), "db");
// The catalog loader is the one place that reads product facts from the file and the tables.
const ALLOWED = new Set(["lib/billing/catalog.ts", "lib/billing/catalog-db.ts"]);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return files(full);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [full] : [];
  });
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A string literal that is a product id, or starts with one and an item code ("oss.storage"). */
function namesProductId(source: string, ids: readonly string[]): string[] {
  return ids.filter((id) => new RegExp(`["'\`]${escape(id)}(["'\`]|\\.[a-z])`).test(source));
}

/** A product id compared against (`=== "oss"`, `"oss" !==`, `case "oss":`): code choosing by product. */
function branchesOnProductId(source: string, ids: readonly string[]): string[] {
  return ids.filter((id) => {
    const q = `["'\`]${escape(id)}["'\`]`;
    return new RegExp(`[!=]==?\\s*${q}|${q}\\s*[!=]==?|\\bcase\\s+${q}`).test(source);
  });
}

describe("no product ids in lib/", () => {
  const ids: string[] = JSON.parse(readFileSync(path.join(process.cwd(), "db", "seed", "catalog.json"), "utf8")).products.map((p: { id: string }) => p.id);

  it("the check sees a product id however it is quoted, and not inside prose", () => {
    expect(namesProductId(`if (p === "cloud-phone") x();`, ids)).toEqual(["cloud-phone"]);
    expect(namesProductId("const item = 'image-search.package';", ids)).toEqual(["image-search"]);
    expect(namesProductId("eq(products.id, `oss`)", ids)).toEqual(["oss"]);
    expect(namesProductId(`describe("Product code from the catalog, e.g. cloud-phone")`, ids)).toEqual([]);
    expect(namesProductId(`const eipx = "eipx";`, ids)).toEqual([]);
  });

  it("no file under lib/ outside the catalog loader names one", () => {
    expect(ids.length).toBeGreaterThan(5);
    const offenders = files(ROOT)
      .map((f) => ({ file: path.relative(process.cwd(), f), ids: namesProductId(readFileSync(f, "utf8"), ids) }))
      .filter((o) => o.ids.length && !ALLOWED.has(o.file));
    expect(offenders).toEqual([]);
  });

  it("the db/ check sees a branch on a product id, and not the id as data", () => {
    expect(branchesOnProductId(`s.productId === "image-search" ? "image-search.package" : "x"`, ids)).toEqual(["image-search"]);
    expect(branchesOnProductId("if ('oss' !== p) x();\nswitch (p) { case `eip`: }", ids).sort()).toEqual(["eip", "oss"]);
    expect(branchesOnProductId(`{ id: "nat-hz", productId: "nat-gateway", spec: null }`, ids)).toEqual([]);
  });

  // The demo's resources name their products as data; which item a product's
  // subscription bills comes from the catalog. db/seed/demo-usage.ts is left
  // out: its branches say which usage each demo resource produces, not how it is billed.
  it("no code under db/ branches on a product id (the demo's usage generator aside)", () => {
    const offenders = files(DB)
      .map((f) => ({ file: path.relative(process.cwd(), f), ids: branchesOnProductId(readFileSync(f, "utf8"), ids) }))
      .filter((o) => o.ids.length && o.file !== path.join("db", "seed", "demo-usage.ts"));
    expect(offenders).toEqual([]);
  });
});
