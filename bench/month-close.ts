// Month close at scale: N accounts with 10 pay-as-you-go instances each and a
// few usage records per instance, then the billing jobs for every account at
// the cycle end (rate, settle, close), with a progress line. One template
// account is built through lib/data like any other; the others are copies of
// its rows made in SQL (every tenant table holding the template's rows, account
// id replaced), so setting up 10,000 accounts takes seconds, not an hour.
import { sql } from "drizzle-orm";
import { query, type DbHandle } from "@/db/client";
import { jobsConcurrency, runJobs } from "@/lib/jobs/run";
import { OPERATOR } from "@/lib/data/caller";
import { createAccount } from "@/lib/data/operator";
import { registerInstance } from "@/lib/data/resource-events";
import { topUp } from "@/lib/data/top-ups";
import { ingestUsage } from "@/lib/data/usage";
import { benchInstances, benchPeriod, generateUsage, type GenerateOptions } from "./generate";

export const CLOSE_INSTANCES = 10;
const RECORDS_PER_INSTANCE = 4;

export interface MonthCloseFigures {
  accounts: number;
  instances: number;
  records: number;
  setupSeconds: number;
  seconds: number;
  lines: number;
}

async function buildTemplate(id: string, gen: GenerateOptions): Promise<number> {
  await createAccount(OPERATOR, { id, name: `Close ${id}`, timeZone: "UTC" });
  await topUp(OPERATOR, { amount: "1000000", at: new Date("2020-01-01T00:00:00Z") }, id);
  // Three of every metered product (12), the first ten: storage, traffic, scans and hourly items.
  const wide = { ...gen, records: 60_000 };
  const chosen = benchInstances(wide).slice(0, CLOSE_INSTANCES);
  for (const inst of chosen) await registerInstance(OPERATOR, { ...inst, billingMethod: "payg" }, id);
  const ids = new Set(chosen.map((i) => i.id));
  const perInstance = new Map<string, number>();
  const records = [];
  for (const r of generateUsage(wide)) {
    const n = perInstance.get(r.instanceId) ?? 0;
    if (!ids.has(r.instanceId) || n >= RECORDS_PER_INSTANCE) continue;
    perInstance.set(r.instanceId, n + 1);
    records.push(r);
    if (records.length === CLOSE_INSTANCES * RECORDS_PER_INSTANCE) break;
  }
  return (await ingestUsage(OPERATOR, { records }, id)).accepted;
}

/** Copies every tenant row of `template` to each of `ids` (same row ids: keys lead with account_id). */
async function cloneAccount(handle: DbHandle, template: string, ids: string[]): Promise<void> {
  const tables = await query<{ table_name: string; columns: string | string[] }>(
    handle.db,
    sql`select c.table_name, array_agg(c.column_name::text order by c.ordinal_position) as columns
        from information_schema.columns c join information_schema.tables t using (table_schema, table_name)
        where c.table_schema = 'public' and t.table_type = 'BASE TABLE' and c.is_generated = 'NEVER'
          and c.table_name in (select table_name from information_schema.columns where table_schema = 'public' and column_name = 'account_id')
        group by c.table_name`,
  );
  const list = ids.join(",");
  const copy = async (table: string, columns: string[], key: string) => {
    const cols = columns.map((c) => `"${c}"`).join(", ");
    const select = columns.map((c) => (c === key ? "n.id" : `t."${c}"`)).join(", ");
    await handle.db.execute(
      sql.raw(`insert into "${table}" (${cols}) select ${select} from "${table}" t cross join unnest(string_to_array('${list}', ',')) n(id)
               where t."${key}" = '${template}'`),
    );
  };
  const cols = (c: string | string[]) => (Array.isArray(c) ? c : c.replace(/[{}]/g, "").split(","));
  const [accountsCols] = await query<{ columns: string | string[] }>(
    handle.db,
    sql`select array_agg(column_name::text order by ordinal_position) as columns from information_schema.columns
        where table_schema = 'public' and table_name = 'accounts' and is_generated = 'NEVER'`,
  );
  await copy("accounts", cols(accountsCols.columns), "id");
  for (const t of tables) await copy(t.table_name, cols(t.columns), "account_id");
}

/** The template account (built through lib/data) and its `accounts - 1` copies, tagged `close-<tag>-<n>`. */
export async function setUpCloseAccounts(
  handle: DbHandle,
  opts: { accounts: number; gen: GenerateOptions; tag: string },
): Promise<{ template: string; ids: string[]; perAccount: number }> {
  const template = `close-${opts.tag}-0`;
  const perAccount = await buildTemplate(template, opts.gen);
  const ids = Array.from({ length: opts.accounts - 1 }, (_, i) => `close-${opts.tag}-${i + 1}`);
  for (let i = 0; i < ids.length; i += 2000) await cloneAccount(handle, template, ids.slice(i, i + 2000));
  // Vacuumed too, not only analyzed: the bulk loads just before (this set-up, and the other steps of
  // bench:engine) would otherwise start autovacuum during the timed close. A month's usage reaches
  // a real server over the month, and autovacuum has long caught up by its end.
  await handle.db.execute(handle.kind === "postgres" ? sql`vacuum analyze` : sql`analyze`);
  return { template, ids, perAccount };
}

/** CPU ms used so far by this process and by the server's processes (Linux /proc; null elsewhere). */
export async function cpuTimes(handle: DbHandle): Promise<{ node: number; server: number | null }> {
  const u = process.cpuUsage();
  const node = (u.user + u.system) / 1000;
  if (handle.kind !== "postgres") return { node, server: null };
  try {
    const { readFileSync } = await import("node:fs");
    const pids = await query<{ pid: number }>(handle.db, sql`select pid from pg_stat_activity`);
    let ticks = 0;
    for (const { pid } of pids) {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(f[11]) + Number(f[12]);
    }
    return { node, server: ticks * 10 };
  } catch {
    return { node, server: null };
  }
}

export async function runMonthClose(
  handle: DbHandle,
  opts: { accounts: number; gen: GenerateOptions; tag: string; log: (s: string) => void; progressEveryMs?: number },
): Promise<MonthCloseFigures> {
  const t0 = performance.now();
  const { template, ids, perAccount } = await setUpCloseAccounts(handle, opts);
  const setupSeconds = (performance.now() - t0) / 1000;
  opts.log(`  month close: ${opts.accounts.toLocaleString("en-US")} accounts set up in ${setupSeconds.toFixed(1)} s`);

  const cpu0 = await cpuTimes(handle);
  const t1 = performance.now();
  const results = await runJobs(handle.db, {
    now: benchPeriod(opts.gen).until,
    accountIds: [template, ...ids],
    concurrency: jobsConcurrency(handle.kind),
    log: (line) => {
      if (line.includes("FAILED")) opts.log(`  month close: ${line}`);
    },
    progress: (line) => opts.log(`  month close: ${line}`),
    progressEveryMs: opts.progressEveryMs ?? 5000,
  });
  const seconds = (performance.now() - t1) / 1000;
  const cpu1 = await cpuTimes(handle);
  // CPU per account (this process, and the server's processes) is what a loaded, shared machine distorts least.
  opts.log(
    `  month close: CPU per account: node ${((cpu1.node - cpu0.node) / opts.accounts).toFixed(2)} ms, ` +
      `server ${cpu1.server === null || cpu0.server === null ? "?" : ((cpu1.server - cpu0.server) / opts.accounts).toFixed(2)} ms`,
  );
  return {
    accounts: opts.accounts,
    instances: opts.accounts * CLOSE_INSTANCES,
    records: opts.accounts * perAccount,
    setupSeconds,
    seconds,
    lines: results.reduce((n, r) => n + r.lines, 0),
  };
}
