// The Billing Details export over many rows on one pooled connection: on
// PostgreSQL it is COPY (SELECT …) TO STDOUT, on PGlite the cursor. Either way
// the body is every row once, the pool's connection comes back usable after a
// full read (postgres.js pauses the socket under backpressure) and after a
// client that stops reading part-way.
import { beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { query, setHandle } from "@/db/client";
import { billLines } from "@/db/schema";
import { loadCatalog, readCatalogFile } from "@/lib/billing/catalog";
import { fixedClock, setSystemClock } from "@/lib/clock";
import { OPERATOR, type Caller } from "@/lib/data/caller";
import { createAccount } from "@/lib/data/operator";
import { exportBillLines } from "@/lib/data/views/exports";
import { uniq, useTestDatabase } from "./db";
import { insertBillLines } from "./lines";

// One connection: a connection the export left stuck would hang the next statement.
process.env.DB_POOL_SIZE = "1";

const ROWS = 3000;
const within = <T>(p: Promise<T>, what: string) =>
  Promise.race([p, new Promise<never>((_, no) => setTimeout(() => no(new Error(`${what} did not finish: the connection is stuck`)), 10_000))]);

describe("Billing Details export stream", () => {
  const t = useTestDatabase();
  const A = uniq("export-stream");
  const caller: Caller = { kind: "user", accountId: A, userId: "u", role: "finance", email: "f@x.test", name: "F" };

  beforeAll(async () => {
    setSystemClock(fixedClock("2026-11-10T00:00:00Z"));
    const db = t.handle().db;
    await loadCatalog(db, await readCatalogFile());
    await createAccount(OPERATOR, { id: A, name: "Export stream" });
    const rows: (typeof billLines.$inferInsert)[] = Array.from({ length: ROWS }, (_, i) => ({
      accountId: A, id: `line-${String(i).padStart(5, "0")}`, billingCycle: "2026-10", billDate: `2026-10-${String((i % 31) + 1).padStart(2, "0")}`,
      lineType: "usage", productId: "oss", productDetail: "Standard", instanceId: `oss-${i % 7}`, instanceName: i % 2 ? "tab\there" : 'back\\slash "q"',
      regionId: "cn-hangzhou", billingMethod: "payg", billableItemId: "oss.storage", usageQuantity: "1.5", usageUnit: "GB-month",
      unitPrice: "0.02", priceUnit: "USD/GB-month", originalAmount: "0.03", pretaxAmount: "0.03", currency: "USD",
      ratedAt: new Date("2026-11-01T00:00:00Z"), dueAt: new Date("2026-11-01T00:00:00Z"),
    }));
    for (let i = 0; i < rows.length; i += 500) await insertBillLines(db, rows.slice(i, i + 500));
  });

  it("sends every row once, and the connection serves the next statement", async () => {
    const out = await exportBillLines(caller, { billingCycle: "2026-10", columns: "billingDate,instanceId,instanceName,pretaxAmount" });
    const text = await within(new Response(out.body).text(), "the export");
    const lines = text.split("\r\n").filter(Boolean);
    expect(lines).toHaveLength(ROWS + 1); // + header
    expect(text).toContain('"back\\slash ""q"""');
    expect(text).toContain("tab\there");
    const [{ n }] = await within(query<{ n: number }>(t.handle().db, sql`select count(*)::int as n from bill_lines where account_id = ${A}`), "the next statement");
    expect(Number(n)).toBe(ROWS);
  });

  it("sends the same bytes as the row-by-row path: BOM, header, multi-byte text, escapes", async () => {
    const names = ["Сервер ✓", "𝄞 clef", "line\nbreak", "cr\rlf", 'q"uote', "back\\slash", "tab\tand\\t", "=1+2", "ü\\N"];
    await insertBillLines(t.handle().db, names.map((instanceName, i) => ({
      accountId: A, id: `odd-${i}`, billingCycle: "2026-09", billDate: `2026-09-${String(i + 1).padStart(2, "0")}`, lineType: "usage", productId: "oss",
      productDetail: "Standard", instanceId: `oss-odd-${i}`, instanceName, regionId: "cn-hangzhou", billingMethod: "payg", billableItemId: "oss.storage",
      usageQuantity: "1.250000", usageUnit: "GB-month", unitPrice: "0.02", priceUnit: "USD/GB-month", originalAmount: "0.025", pretaxAmount: "0.025",
      currency: "USD", ratedAt: new Date("2026-10-01T00:00:00Z"), dueAt: new Date("2026-10-01T00:00:00Z"),
    })));
    const bytes = async () => new Uint8Array(await new Response((await exportBillLines(caller, { billingCycle: "2026-09", columns: "billingDate,instanceId,instanceName,billingMethod,usage,pretaxAmount,tags" })).body).arrayBuffer());
    const streamed = await bytes();
    // Without COPY (as on PGlite): the rows fetched in batches and joined in JavaScript.
    const handle = t.handle();
    setHandle({ ...handle, copyOut: undefined });
    try {
      expect(Buffer.from(streamed).equals(Buffer.from(await bytes()))).toBe(true);
    } finally {
      setHandle(handle);
    }
    expect([...streamed.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // the BOM, once
    const text = new TextDecoder().decode(streamed);
    for (const n of names.slice(0, 2)) expect(text).toContain(n);
    expect(text.split("\r\n").filter(Boolean)).toHaveLength(names.length + 1);
  });

  it("frees the connection when the reader stops part-way", async () => {
    const out = await exportBillLines(caller, { billingCycle: "2026-10" });
    const reader = out.body.getReader();
    await reader.read();
    await reader.read();
    await reader.cancel();
    // The export stops in the background (the server is told to cancel, what is in flight is drained).
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        const [{ one }] = await within(query<{ one: number }>(t.handle().db, sql`select 1 as one`), "the next statement");
        expect(Number(one)).toBe(1);
        break;
      } catch (e) {
        if (!/COPY_IN_PROGRESS/.test(String((e as Error).cause ?? e)) || Date.now() > deadline) throw e;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  });
});
