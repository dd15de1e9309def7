// Reading Citus query plans: which tables a statement touches, which statements
// are not queries of the product's data, and whether a plan stays on one shard.
import type postgres from "postgres";
import { tablePlan } from "@/db/citus";

// Where each table lives on the cluster (db/citus.ts decides it from the schema).
const PLAN = tablePlan();
const DISTRIBUTION_COLUMN = new Map(PLAN.flatMap((p) => (p.place.kind === "distributed" ? [[p.table, p.place.column] as const] : [])));
const DISTRIBUTED = [...DISTRIBUTION_COLUMN.keys()];
const tableRe = (t: string) => new RegExp(`(^|[^\\w.])"?${t}"?([^\\w]|$)`);

/** The distributed tables (tenant and look-up tables) a statement names. */
export const touched = (text: string) => DISTRIBUTED.filter((t) => tableRe(t).test(text));

/** Transaction control, SET and advisory locks: not queries of the product's data. */
export function control(text: string): boolean {
  const s = text.trim().toLowerCase();
  return /^(begin|commit|rollback|savepoint|release savepoint|start transaction|set |reset |show )/.test(s) || /^select\s+pg_advisory/.test(s);
}

/** `text` with only the parameters it uses, renumbered from $1, and their values. */
function ownParams(text: string, params: unknown[]): [string, unknown[]] {
  const used: number[] = [];
  const out = text.replace(/\$(\d+)/g, (_, n: string) => {
    let i = used.indexOf(Number(n));
    if (i < 0) i = used.push(Number(n)) - 1;
    return `$${i + 1}`;
  });
  return [out, used.map((n) => params[n - 1])];
}

/**
 * An INSERT … SELECT whose rows come from the client (json_to_recordset or unnest
 * of parameters, or the bulk import's staging table) is planned "pull to
 * coordinator": the coordinator evaluates the SELECT and sends each row to the
 * shard of its distribution value, so the statement stays on one shard exactly
 * when every row names the same account. Shown here either from the statement
 * (the distribution column is given as one parameter) or by evaluating its SELECT
 * with the captured parameters and mapping each row to its shard id
 * (get_shard_id_for_distribution_column). Null when it lands on one shard, else why not.
 */
async function pulledToOneShard(raw: postgres.Sql, text: string, params: unknown[]): Promise<string | null> {
  const m = /insert into "?(\w+)"?\s*\(([^)]*)\)\s*(select[\s\S]*?)\s+on conflict/i.exec(text);
  if (!m) return "not an INSERT … SELECT … ON CONFLICT this check can read";
  const [, table, colList, source] = m;
  const cols = colList.split(",").map((c) => c.trim().replace(/"/g, ""));
  const column = DISTRIBUTION_COLUMN.get(table);
  if (!column) return `${table} is not distributed`;
  // `select $n, …` with the distribution column first: one value for every row.
  if (cols.indexOf(column) === 0 && /^select\s+\$\d+\s*,/i.test(source)) return null;
  // (json parameters as text: the client would encode a string as a JSON string)
  const [q, p] = ownParams(
    `select count(distinct get_shard_id_for_distribution_column('${table}', s."${column}"))::int as shards, count(*)::int as n
     from (${source.replace(/(\$\d+)::json\b/g, "$1::text::json")}) s(${cols.map((c) => `"${c}"`).join(", ")})`,
    params,
  );
  const [{ shards, n }] = await raw.unsafe(q, p as never[]);
  return n > 0 && shards === 1 ? null : `its ${n} rows go to ${shards} shards`;
}

/**
 * EXPLAINs a statement with its parameters. `why` is null when Citus plans it on
 * one shard: every "Task Count:" is 1 (a router query, subplans included), or it
 * is an INSERT … SELECT of client rows that all land on one shard.
 */
export async function checkPlan(raw: postgres.Sql, text: string, params: unknown[]): Promise<{ plan: string; pulled: boolean; why: string | null }> {
  // `COPY (SELECT …) TO STDOUT` (the exports on PostgreSQL) runs its SELECT: that is what is planned.
  const copied = /^\s*copy\s*\(([\s\S]*)\)\s*to\s+stdout\b[\s\S]*$/i.exec(text);
  if (copied) text = copied[1];
  // `COPY table (…) FROM STDIN` (new usage records) cannot be EXPLAINed: Citus routes each row by its
  // distribution column, so the rows of one account land on its one shard — provided that column is sent.
  const copyIn = /^\s*copy\s+"?(\w+)"?\s*\(([^)]*)\)\s*from\s+stdin\b/i.exec(text);
  if (copyIn) {
    const [, table, colList] = copyIn;
    const column = DISTRIBUTION_COLUMN.get(table);
    const cols = colList.split(",").map((c) => c.trim().replace(/"/g, ""));
    const why = !column ? `${table} is not distributed` : cols.includes(column) ? null : `COPY into ${table} without its distribution column ${column}`;
    return { plan: `COPY routed per row by ${column}`, pulled: false, why };
  }
  const plan = (await raw.unsafe(`EXPLAIN ${text}`, params as never[])).map((r) => (r as Record<string, string>)["QUERY PLAN"]).join("\n");
  const counts = [...plan.matchAll(/Task Count: (\d+)/g)].map((m) => Number(m[1]));
  const pulled = /INSERT\/SELECT method: pull to coordinator/.test(plan);
  const why = !/Custom Scan \(Citus/.test(plan)
    ? "not planned by Citus"
    : counts.some((n) => n !== 1)
      ? `Task Count ${counts.join(", ")}`
      : pulled
        ? await pulledToOneShard(raw, text, params)
        : counts.length
          ? null
          : "no task count";
  return { plan, pulled, why };
}
