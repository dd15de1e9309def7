import "server-only";
// Choices for the filter pickers: from the (small, global) catalog, never a
// DISTINCT over millions of bill lines — in one round trip.
import { sql } from "drizzle-orm";
import { getDb, query } from "@/db/client";
import type { Caller } from "../caller";
import { tenantOf } from "../caller";

type Choice = { id: string; name: string };
type ItemChoice = Choice & { productId: string; unit: string };

export async function filterChoices(caller: Caller) {
  tenantOf(caller); // any signed-in caller; the catalog is not tenant data
  const db = await getDb();
  // Names sort by the database's collation, as ORDER BY name did.
  const [row] = await query<{ products: Choice[] | null; regions: Choice[] | null; items: ItemChoice[] | null }>(
    db,
    sql`SELECT
      (SELECT json_agg(json_build_object('id', id, 'name', name) ORDER BY name) FROM products) AS products,
      (SELECT json_agg(json_build_object('id', id, 'name', name) ORDER BY name) FROM regions) AS regions,
      (SELECT json_agg(json_build_object('id', id, 'name', name, 'productId', product_id, 'unit', usage_unit) ORDER BY product_id, name)
         FROM billable_items) AS items`,
  );
  const parse = <T,>(v: T[] | string | null): T[] => (typeof v === "string" ? (JSON.parse(v) as T[]) : (v ?? []));
  return { products: parse(row.products), regions: parse(row.regions), items: parse(row.items) };
}
