// One writer per rule: orders are inserted only by writeOrder (lib/lifecycle/orders.ts),
// ledger entries only by settlement (lib/billing/settlement.ts) and an order's refund,
// and an account leaves overdue only through clearOverdueIfPaidDown
// (lib/overdue/transitions.ts). A second copy anywhere in app/, lib/ or db/ (the
// demo seed included) fails here.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = process.cwd();
const sources = ["app", "lib", "db"]
  .flatMap((d) => readdirSync(path.join(root, d), { recursive: true, encoding: "utf8" }).map((f) => `${d}/${f.split(path.sep).join("/")}`))
  .filter((f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f) && statSync(path.join(root, f)).isFile());

/** Each file and how many times `pattern` occurs in it. */
function occurrences(pattern: RegExp): Record<string, number> {
  const found: Record<string, number> = {};
  for (const f of sources) {
    const n = readFileSync(path.join(root, f), "utf8").match(new RegExp(pattern.source, "g"))?.length ?? 0;
    if (n) found[f] = n;
  }
  return found;
}

describe("one writer", () => {
  it("inserts orders in one place only", () => {
    expect(occurrences(/\.insert\(\s*(schema\.)?orders\s*\)/)).toEqual({ "lib/lifecycle/orders.ts": 1 });
  });

  it("clears overdue in one place only", () => {
    expect(occurrences(/overdueSince:\s*null\s*,\s*paygStoppedSince/)).toEqual({ "lib/overdue/transitions.ts": 1 });
    expect(occurrences(/emitEvent\([^)]*"account\.overdue_cleared"/)).toEqual({ "lib/overdue/transitions.ts": 1 });
  });

  it("writes the ledger in settlement (and an order's refund) only: operator credits go through applyCredit", () => {
    const writers = occurrences(/\.insert\(\s*(schema\.)?ledgerEntries\s*\)/);
    expect(Object.keys(writers).sort()).toEqual(["lib/billing/settlement.ts", "lib/lifecycle/orders.ts"]);
    expect(writers["lib/lifecycle/orders.ts"]).toBe(1);
  });

  it("writes the kept bill-line totals in lib/billing/line-totals.ts only, and every bill_lines write keeps them", () => {
    expect(occurrences(/(INSERT INTO|DELETE FROM|UPDATE) \$\{sql\.raw\(table\)\}|bill_line(_instance|_tag)?_totals\b[^"]*(SET|VALUES)|\.(insert|update|delete)\(\s*billLine(Instance|Tag)?Totals\s*\)/i)).toEqual({ "lib/billing/line-totals.ts": 2 });
    // Each statement that writes bill_lines sits in a keepLineTotals call (lib/billing/line-totals.ts).
    const writes = occurrences(/\.(insert|update|delete)\(\s*(billLines|unit\.table)\s*\)|(insert into|update|delete from) (bill_lines|\$\{sql\.identifier\(table\)\})(?!\w)/i);
    const kept = occurrences(/keepLineTotals\(/);
    expect(Object.keys(writes).sort()).toEqual(["lib/billing/adjustments.ts", "lib/billing/engine.ts", "lib/billing/settlement.ts"]);
    for (const [file, n] of Object.entries(writes)) expect(kept[file], file).toBe(n);
  });

  it("the guard sees a second writer", () => {
    // The patterns match the forms the old copies had.
    expect(/\.insert\(\s*(schema\.)?orders\s*\)/.test("await tx\n      .insert(orders)\n")).toBe(true);
    expect(/overdueSince:\s*null\s*,\s*paygStoppedSince/.test("set({ overdueSince: null, paygStoppedSince: null })")).toBe(true);
    const lineWrite = /\.(insert|update|delete)\(\s*(billLines|unit\.table)\s*\)|(insert into|update|delete from) (bill_lines|\$\{sql\.identifier\(table\)\})(?!\w)/i;
    for (const w of ["await tx\n  .update(billLines)\n", "sql`delete from bill_lines where", "update ${sql.identifier(table)} as l"]) expect(lineWrite.test(w), w).toBe(true);
  });
});
