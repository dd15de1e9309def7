// The bulk import as the operator CLI runs it (`npm run ops -- import-usage`):
// NDJSON and CSV, a progress line, the API's validation (all or nothing, naming
// line and field) and dedup (re-imports are duplicates, other content conflicts).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { query } from "@/db/client";
import { loadCatalog, readCatalogFile } from "@/lib/billing/catalog";
import { fixedClock, realClock, setSystemClock } from "@/lib/clock";
import { OPERATOR } from "@/lib/data/caller";
import { createAccount } from "@/lib/data/operator";
import { registerInstance } from "@/lib/data/resource-events";
import { ingestUsage } from "@/lib/data/usage";
import { importUsage, type SourceRecord } from "@/lib/data/usage-import";
import { AppError } from "@/lib/errors";
import { importUsageCommand, parseCsvRecord } from "@/lib/ops/import-usage";
import { uniq, useTestDatabase } from "./db";
import { rebuiltRollupRows, rollupRows } from "./rollup-rows";

const NOW = "2026-03-01T00:00:00Z";
const GB = 1024 ** 3;

describe("npm run ops -- import-usage", () => {
  const t = useTestDatabase();
  const A = uniq("imp-a");
  const B = uniq("imp-b");
  const dir = mkdtempSync(path.join(os.tmpdir(), "import-usage-"));

  beforeAll(async () => {
    setSystemClock(fixedClock(NOW));
    await loadCatalog(t.handle().db, await readCatalogFile());
    await createAccount(OPERATOR, { id: A, name: "Import A" });
    await createAccount(OPERATOR, { id: B, name: "Import B" });
    const reg = (accountId: string, id: string, productId: string) =>
      registerInstance(OPERATOR, { id, productId, regionId: "cn-hangzhou", billingMethod: "payg", name: id, createdAt: "2026-01-01T00:00:00Z" }, accountId);
    await reg(A, "oss-1", "oss");
    await reg(A, "reg-1", "registry-storage");
    await reg(A, "nat-1", "nat-gateway");
    await reg(B, "oss-b", "oss");
  });
  afterAll(() => {
    setSystemClock(realClock);
    rmSync(dir, { recursive: true, force: true });
  });

  let fileNo = 0;
  function file(ext: string, text: string): string {
    const f = path.join(dir, `usage-${fileNo++}.${ext}`);
    writeFileSync(f, text);
    return f;
  }
  const ndjson = (records: unknown[]) => file("ndjson", records.map((r) => JSON.stringify(r)).join("\n") + "\n");

  /** Runs the CLI command; returns its printed lines, or the error it exits with. */
  async function run(...args: string[]) {
    const log: string[] = [];
    const values: Record<string, string> = {};
    const positionals: string[] = [];
    for (let i = 0; i < args.length; i++) {
      if (args[i].startsWith("--")) values[args[i].slice(2)] = args[++i];
      else positionals.push(args[i]);
    }
    try {
      await importUsageCommand.run({ values, positionals, log: (s) => log.push(s) });
      return { log, error: null };
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      return { log, error: e };
    }
  }
  const count = async (accountId = A) =>
    Number((await query<{ n: string }>(t.handle().db, sql`select count(*) as n from usage_records where account_id = ${accountId}`))[0].n);

  let seq = 0;
  const rec = (over: Record<string, unknown> = {}) => ({
    id: `imp-${seq++}`,
    instanceId: "nat-1",
    item: "instance",
    quantity: "1",
    start: "2026-02-01T00:00:00Z",
    end: "2026-02-01T01:00:00Z",
    ...over,
  });

  it("imports NDJSON of every metered rule, printing progress lines and a summary", async () => {
    const before = await count();
    const records = Array.from({ length: 2_500 }, (_, i) => {
      const start = new Date(Date.parse("2026-02-01T00:00:00Z") + (i % 600) * 3_600_000);
      const span = { start: start.toISOString(), end: new Date(start.getTime() + 3_600_000).toISOString() };
      switch (i % 4) {
        case 0:
          return rec({ ...span });
        case 1:
          return rec({ ...span, instanceId: "oss-1", item: "storage", quantity: "0.5", attributes: { layerDigest: `sha256:${i % 7}`, bytes: GB / 2 } });
        case 2:
          return rec({ ...span, instanceId: "oss-1", item: "internet-egress", quantity: "0.25", attributes: { network: "internet" } });
        default:
          return rec({ ...span, instanceId: "reg-1", item: "scanner", quantity: "1", end: span.start });
      }
    });
    const f = ndjson(records);
    const { log, error } = await run("--account", A, "--progress-every", "1000", f);
    expect(error).toBeNull();
    expect(log.filter((l) => /^ {2}read [\d,]+ records \([\d,]+ records\/s\)$/.test(l)).map((l) => l.match(/read ([\d,]+)/)![1])).toEqual(["1,000", "2,000"]);
    expect(log.at(-1)).toMatch(new RegExp(`^Imported ${f} into account ${A}: read 2,500, accepted 2,500, duplicates 0 in [\\d.]+ s \\([\\d,]+ records/s\\)\\.$`));
    expect(await count()).toBe(before + 2_500);
    const [scan] = await query<{ item_id: string; quantity: string }>(t.handle().db, sql`select item_id, quantity::text from usage_records where account_id = ${A} and id = ${records[3].id}`);
    expect(scan).toMatchObject({ item_id: "registry-storage.scanner" });

    // The same file again: every record is a duplicate, nothing is stored twice.
    const again = await run("--account", A, f);
    expect(again.log.at(-1)).toMatch(/read 2,500, accepted 0, duplicates 2,500 in/);
    expect(await count()).toBe(before + 2_500);
  });

  it("imports CSV with a header in any order, quoted JSON attributes and CRLF line ends", async () => {
    const before = await count();
    const lines = [
      "item,id,instanceId,quantity,start,end,attributes",
      `internet-egress,csv-1,oss-1,1.5,2026-02-02T00:00:00Z,2026-02-02T01:00:00Z,"{""network"":""internet""}"`,
      `instance,csv-2,nat-1,1,2026-02-02T00:00:00Z,2026-02-02T01:00:00Z,`,
      `storage,csv-3,reg-1,1,2026-02-02T00:00:00Z,2026-02-02T01:00:00Z,"{""layerDigest"":""sha256:a,b"",""bytes"":${GB}}"`,
    ];
    const { log, error } = await run("--account", A, file("csv", lines.join("\r\n") + "\r\n"));
    expect(error).toBeNull();
    expect(log.at(-1)).toMatch(/read 3, accepted 3, duplicates 0/);
    expect(await count()).toBe(before + 3);
    const [storage] = await query<{ attributes: Record<string, unknown> }>(t.handle().db, sql`select attributes from usage_records where account_id = ${A} and id = 'csv-3'`);
    expect(storage.attributes).toEqual({ layerDigest: "sha256:a,b", bytes: GB });
  });

  it("counts records already sent through the API as duplicates", async () => {
    const sent = [rec(), rec()];
    await ingestUsage(OPERATOR, { records: sent }, A);
    const before = await count();
    const { log } = await run("--account", A, ndjson([...sent, rec()]));
    expect(log.at(-1)).toMatch(/read 3, accepted 1, duplicates 2/);
    expect(await count()).toBe(before + 1);
  });

  const badFiles: [string, () => string, RegExp][] = [
    ["a negative quantity", () => ndjson([rec(), rec(), rec({ quantity: "-1" })]), /^line 3, quantity: must not be negative/],
    ["a line that is not JSON", () => file("ndjson", `${JSON.stringify(rec())}\n{oops\n`), /^line 2: is not valid JSON/],
    ["an unknown instance", () => ndjson([rec({ instanceId: "ghost" })]), /^line 1, instanceId: unknown instance "ghost"/],
    ["another account's instance", () => ndjson([rec({ instanceId: "oss-b", item: "vpc-egress" })]), /^line 1, instanceId: unknown instance "oss-b"/],
    ["an item of another product", () => ndjson([rec({ item: "storage" })]), /^line 1, item: .*not a billable item of product nat-gateway/],
    ["end before start", () => ndjson([rec({ end: "2026-01-31T00:00:00Z" })]), /^line 1, end: must not be before start/],
    ["a time without offset", () => ndjson([rec({ start: "2026-02-01T00:00:00" })]), /^line 1, start: .*ISO 8601/],
    ["storage without a digest", () => ndjson([rec({ instanceId: "oss-1", item: "storage", attributes: { bytes: GB } })]), /^line 1, attributes.layerDigest: is required/],
    ["an id repeated with other content", () => ndjson([rec({ id: "rep" }), rec(), rec({ id: "rep", quantity: "2" })]), /^line 3, id: "rep" is also the id of line 1, with different content/],
    ["a CSV row with too few fields", () => file("csv", `id,instanceId,item,quantity,start,end\nc-x,nat-1,instance,1,2026-02-01T00:00:00Z\n`), /^line 2: has 5 fields; the header has 6/],
    ["a CSV header missing a column", () => file("csv", `id,instanceId,item,start,end\n`), /^line 1: the header must name the columns .*missing quantity/],
    ["a CSV unterminated quote", () => file("csv", `id,instanceId,item,quantity,start,end\n"c-y,nat-1,instance,1,2026-02-01T00:00:00Z,2026-02-01T01:00:00Z\n`), /^line 2: has an unterminated quoted field/],
    ["an empty file", () => file("ndjson", "\n\n"), /holds no usage records/],
  ];

  it.each(badFiles)("refuses a file with %s, naming line and field, and imports nothing", async (_name, make, message) => {
    const before = await count();
    const { error } = await run("--account", A, make());
    expect(error?.status).toBe(400);
    expect(error?.message).toMatch(message);
    expect(await count()).toBe(before);
  });

  it("reports up to 20 problems of a bad file and stages none of its good lines", async () => {
    const before = await count();
    const records = Array.from({ length: 50 }, (_, i) => (i % 2 ? rec({ quantity: "NaN" }) : rec()));
    const { error } = await run("--account", A, ndjson(records));
    expect(error?.message).toMatch(/^line 2, quantity: .*; line 4, quantity: /);
    expect(error?.message).toMatch(/… 5 more\. Nothing was imported\.$/);
    expect((error?.details as { issueCount: number }).issueCount).toBe(25);
    expect(await count()).toBe(before);
  });

  it("refuses a stored id with other content (409) and imports nothing of the file", async () => {
    const stored = rec();
    await ingestUsage(OPERATOR, { records: [stored] }, A);
    const before = await count();
    const { error } = await run("--account", A, ndjson([rec(), rec(), { ...stored, quantity: "7" }]));
    expect(error?.status).toBe(409);
    expect(error?.message).toBe(`line 3, id: a record with id "${stored.id}" was already ingested with different content. Nothing was imported.`);
    expect(await count()).toBe(before);
  });

  describe("one COPY pass for new records, a staged pass when ids are known", () => {
    /** A source that can be reopened, counting how often it was read. */
    function source(records: unknown[]) {
      const opened = { times: 0 };
      const open = async function* (): AsyncGenerator<SourceRecord> {
        opened.times++;
        for (const [i, raw] of records.entries()) yield { line: i + 1, raw };
      };
      return { open, opened };
    }
    /** Both rollups of the account differ from its stored records by these groups (none when exact). */
    async function rollupDrift(accountId = A) {
      return query(
        t.handle().db,
        sql`(select 'hourly' as t, hour::text as at, instance_id, item_id, quantity::text, records::text from usage_hourly where account_id = ${accountId}
             except select 'hourly', date_trunc('hour', start_at, 'UTC')::text, instance_id, item_id, sum(quantity)::text, count(*)::text
             from usage_records where account_id = ${accountId} group by 2, 3, 4)
            union all
            (select 'records', date_trunc('hour', start_at, 'UTC')::text, instance_id, item_id, sum(quantity)::text, count(*)::text
             from usage_records where account_id = ${accountId} group by 2, 3, 4
             except select 'records', hour::text, instance_id, item_id, quantity::text, records::text from usage_hourly where account_id = ${accountId})
            union all
            (select 'daily', day::text, instance_id, item_id, quantity::text, records::text from usage_daily where account_id = ${accountId}
             except select 'daily', (start_at at time zone 'UTC')::date::text, instance_id, item_id, sum(quantity)::text, count(*)::text
             from usage_records where account_id = ${accountId} group by 2, 3, 4)`,
      );
    }
    const hourly = (i: number, over: Record<string, unknown> = {}) =>
      rec({ start: `2026-02-0${1 + (i % 3)}T0${i % 10}:00:00Z`, end: `2026-02-0${1 + (i % 3)}T0${i % 10}:30:00Z`, quantity: `${(i % 7) + 0.5}`, ...over });

    it("imports a file of new ids in one read, a COPY per slice, with exact rollups", async () => {
      const before = await count();
      const { open, opened } = source(Array.from({ length: 25 }, (_, i) => hourly(i)));
      const res = await importUsage(OPERATOR, A, open, { sliceRecords: 7 });
      expect(res).toMatchObject({ read: 25, accepted: 25, duplicates: 0 });
      expect(opened.times).toBe(1);
      expect(await count()).toBe(before + 25);
      expect(await rollupDrift()).toEqual([]);
    });

    it("reads again through staging when some ids are already stored, counting them as duplicates", async () => {
      const sent = [hourly(1), hourly(2)];
      await ingestUsage(OPERATOR, { records: sent }, A);
      const before = await count();
      const { open, opened } = source([hourly(3), ...sent, hourly(4), { ...sent[0] }]);
      const res = await importUsage(OPERATOR, A, open, { sliceRecords: 2 });
      expect(res).toMatchObject({ read: 5, accepted: 2, duplicates: 3 });
      expect(opened.times).toBe(2);
      expect(await count()).toBe(before + 2);
      expect(await rollupDrift()).toEqual([]);
      // The whole file again: all duplicates, nothing stored.
      const again = await importUsage(OPERATOR, A, source([hourly(3), ...sent]).open);
      expect(again).toMatchObject({ read: 3, accepted: 1, duplicates: 2 });
    });

    it("refuses a stored id with changed content with the same 409 after the direct pass stops", async () => {
      const stored = hourly(5);
      await ingestUsage(OPERATOR, { records: [stored] }, A);
      const before = await count();
      const { open, opened } = source([hourly(6), hourly(7), hourly(8), { ...stored, quantity: "9" }]);
      const error = await importUsage(OPERATOR, A, open, { sliceRecords: 2 }).catch((e: AppError) => e);
      expect(opened.times).toBe(2);
      expect((error as AppError).status).toBe(409);
      expect((error as AppError).message).toBe(`line 4, id: a record with id "${stored.id}" was already ingested with different content. Nothing was imported.`);
      expect(await count()).toBe(before);
      expect(await rollupDrift()).toEqual([]);
    });

    it("rolls back the slices already copied when a later line is bad", async () => {
      const before = await count();
      const records = [...Array.from({ length: 9 }, (_, i) => hourly(i)), hourly(9, { quantity: "-1" }), hourly(10)];
      const error = await importUsage(OPERATOR, A, source(records).open, { sliceRecords: 3 }).catch((e: AppError) => e);
      expect((error as AppError).status).toBe(400);
      expect((error as AppError).message).toBe("line 10, quantity: must not be negative. Nothing was imported.");
      expect(await count()).toBe(before);
      expect(await rollupDrift()).toEqual([]);
    });

    it("keeps both rollups, hours included, exactly as rebuilt from the records: a half-hour zone, hours shared by slices and an earlier batch", async () => {
      const K = uniq("imp-kolkata");
      await createAccount(OPERATOR, { id: K, name: "Import Kolkata", timeZone: "Asia/Kolkata" });
      await registerInstance(OPERATOR, { id: "nat-k", productId: "nat-gateway", regionId: "cn-hangzhou", billingMethod: "payg", name: "nat-k", createdAt: "2026-01-01T00:00:00Z" }, K);
      // 18:00–19:59Z is 23:30–01:29 in Kolkata: one UTC hour lies in two local days.
      const at = (i: number, minutes = 0) => new Date(Date.UTC(2026, 1, 1 + (i % 2), 18 + (i % 2), ((i * 13) % 60) + minutes)).toISOString();
      const kRec = (i: number) => rec({ instanceId: "nat-k", start: at(i), end: at(i, 1), quantity: `${(i % 5) + 0.25}` });
      await ingestUsage(OPERATOR, { records: [kRec(0), kRec(1), kRec(2)] }, K);
      const { open } = source(Array.from({ length: 40 }, (_, i) => kRec(i + 3)));
      expect(await importUsage(OPERATOR, K, open, { sliceRecords: 6 })).toMatchObject({ read: 40, accepted: 40 });
      const kept = await rollupRows(t.handle().db, K);
      expect(kept.filter((r) => r.t === "daily").length).toBeGreaterThan(2);
      const rebuilt = await rebuiltRollupRows(t.handle(), K, "Asia/Kolkata");
      expect(kept).toEqual(rebuilt);
    });

    it("inserts the rollups of hours the account has none for, adding to the days it shares with earlier hours", async () => {
      const K = uniq("imp-kolkata-new");
      await createAccount(OPERATOR, { id: K, name: "Import Kolkata new hours", timeZone: "Asia/Kolkata" });
      await registerInstance(OPERATOR, { id: "nat-k", productId: "nat-gateway", regionId: "cn-hangzhou", billingMethod: "payg", name: "nat-k", createdAt: "2026-01-01T00:00:00Z" }, K);
      const kRec = (start: Date, quantity: string) => rec({ instanceId: "nat-k", start: start.toISOString(), end: new Date(start.getTime() + 60_000).toISOString(), quantity });
      // Earlier: 05:00Z on 1 February (10:30 local), outside the file's hours but in its first local day.
      await ingestUsage(OPERATOR, { records: [kRec(new Date(Date.UTC(2026, 1, 1, 5, 10)), "2.5")] }, K);
      // The file: 18:00–19:59Z on 1–2 February, each UTC hour split between two local days.
      const file = Array.from({ length: 30 }, (_, i) => kRec(new Date(Date.UTC(2026, 1, 1 + (i % 2), 18 + (i % 2), (i * 7) % 60)), `${(i % 4) + 0.75}`));
      expect(await importUsage(OPERATOR, K, source(file).open, { sliceRecords: 4 })).toMatchObject({ read: 30, accepted: 30 });
      const kept = await rollupRows(t.handle().db, K);
      expect(kept.find((r) => r.t === "daily" && r.at === "2026-02-01")).toMatchObject({ records: "10" }); // 1 earlier + 9 of the file's
      const rebuilt = await rebuiltRollupRows(t.handle(), K, "Asia/Kolkata");
      expect(kept).toEqual(rebuilt);
    });

    it("stores an id repeated in the file with the same content once", async () => {
      const before = await count();
      const twice = hourly(11);
      const res = await importUsage(OPERATOR, A, source([twice, hourly(12), { ...twice }]).open);
      expect(res).toMatchObject({ read: 3, accepted: 2, duplicates: 1 });
      expect(await count()).toBe(before + 2);
      expect(await rollupDrift()).toEqual([]);
    });
  });

  it("refuses bad arguments: no account, unknown account, no file, a missing file, an unknown format", async () => {
    const f = ndjson([rec()]);
    expect((await run(f)).error?.message).toBe("missing --account");
    expect((await run("--account", "nope", f)).error?.status).toBe(404);
    expect((await run("--account", A)).error?.message).toBe("name exactly one file to import");
    expect((await run("--account", A, path.join(dir, "missing.ndjson"))).error?.message).toMatch(/no such file/);
    expect((await run("--account", A, file("txt", "x"))).error?.message).toMatch(/cannot tell the format/);
    expect((await run("--account", A, "--format", "xml", f)).error?.message).toMatch(/--format must be csv or ndjson/);
    expect((await run("--account", A, "--progress-every", "0", f)).error?.message).toMatch(/--progress-every must be a whole number/);
  });

  it("parses RFC 4180 fields", () => {
    expect(parseCsvRecord(`a,"b,c","d""e",`)).toEqual(["a", "b,c", 'd"e', ""]);
    expect(parseCsvRecord(`"a"x`)).toMatch(/after a closing quote/);
  });
});
