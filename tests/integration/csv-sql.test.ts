// The CSV cells PostgreSQL writes for the Billing Details export equal
// csvCell's for any text, number-looking or not, on both databases: formula
// starts neutralised, quotes doubled, commas and line breaks quoted, NULL empty.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { sql } from "drizzle-orm";
import { query } from "@/db/client";
import { csvCell, csvCellSql, csvLine, csvLineSql, type CellKind } from "@/lib/exports/csv";
import { useTestDatabase } from "./db";

const TRICKY = ["=SUM(A1)", "+1", "-1.25", "-x", "@me", "\tx", "\rx", 'a "b"', "a,b", "a\nb", "a\r\nb", "'quoted'", "", " ", "12.30", "-0", "1e5", "NaN", "١٢", "naïve, 漢字"];

describe("csvCellSql", () => {
  const t = useTestDatabase();

  /** Cells of (value, kind) pairs computed by the database, in order. */
  async function cells(values: (string | null)[], kind: CellKind): Promise<string[]> {
    const rows = await query<{ cell: string }>(
      t.handle().db,
      sql`SELECT ${sql.raw(csvCellSql("t.v", kind))} AS cell
          FROM jsonb_array_elements(${JSON.stringify(values)}::jsonb) WITH ORDINALITY AS e(j, n),
               LATERAL (SELECT e.j #>> '{}' AS v) t
          ORDER BY e.n`,
    );
    return rows.map((r) => r.cell);
  }

  it.each(["text", "amount", "quantity"] as const)("matches csvCell on tricky %s cells, NULL included", async (kind) => {
    const values = [...TRICKY, null];
    expect(await cells(values, kind)).toEqual(values.map((v) => csvCell(v, kind)));
  });

  it("matches csvCell for any string (property)", async () => {
    const chars = fc.constantFrom("=", "+", "-", "@", "\t", "\r", "\n", '"', ",", "'", ".", "0", "7", "a", " ", "é", "漢");
    const value = fc.oneof(fc.string({ unit: chars, maxLength: 8 }), fc.string({ maxLength: 12 }).map((s) => s.replace(/\0/g, "")),
      fc.tuple(fc.boolean(), fc.nat(), fc.nat(99)).map(([neg, i, f]) => `${neg ? "-" : ""}${i}.${String(f).padStart(2, "0")}`));
    await fc.assert(
      fc.asyncProperty(fc.array(value, { minLength: 1, maxLength: 30 }), fc.constantFrom<CellKind>("text", "amount", "quantity"), async (values, kind) => {
        expect(await cells(values, kind)).toEqual(values.map((v) => csvCell(v, kind)));
      }),
      { numRuns: 40 },
    );
  });

  it("joins a line like csvLine", async () => {
    const [{ line }] = await query<{ line: string }>(t.handle().db,
      sql`SELECT ${sql.raw(csvLineSql([csvCellSql("'a,b'"), csvCellSql("NULL::text"), csvCellSql("'-3.5'", "amount"), csvCellSql("'=1'")]))} AS line`);
    expect(line).toBe(csvLine([csvCell("a,b"), csvCell(null), csvCell("-3.5", "amount"), csvCell("=1")]));
  });
});
