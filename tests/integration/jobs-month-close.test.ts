// The month close as the bench runs it, small: accounts that are copies of one
// template go through the billing jobs (which skip the steps an account has
// nothing for) and each ends exactly like the template; a progress line says
// how far the run is; running the jobs again changes nothing (and an id with no
// account behind it is skipped).
import { describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { query } from "@/db/client";
import { runMonthClose } from "@/bench/month-close";
import { benchPeriod } from "@/bench/generate";
import { runJobs } from "@/lib/jobs/run";
import { loadCatalog, readCatalogFile } from "@/lib/billing/catalog";
import { useTestDatabase } from "./db";

describe("month close over copied accounts", () => {
  const t = useTestDatabase();

  it("bills every copy like the template, reports progress, and a second run changes nothing", async () => {
    await loadCatalog(t.handle().db, await readCatalogFile());
    const tag = `mc${process.pid}${Date.now().toString(36)}`;
    const log: string[] = [];
    const gen = { records: 2_000, seed: 5 };
    const f = await runMonthClose(t.handle(), { accounts: 4, gen, tag, log: (s) => log.push(s), progressEveryMs: 0 });
    expect(f.lines).toBeGreaterThan(0);
    expect(log.filter((l) => l.includes("Jobs: "))).toHaveLength(4);
    expect(log).toContainEqual(expect.stringMatching(/^ {2}month close: Jobs: 4\/4 accounts \(100\.0 %\) in .*, done$/));

    const ids = [0, 1, 2, 3].map((i) => `close-${tag}-${i}`);
    const snapshot = async () =>
      query<{ account_id: string; lines: string; pretax: string; paid: string; outstanding: string; unsettled: string; ledger: string; bills: string; closed: string }>(
        t.handle().db,
        sql`select a.id as account_id,
                   (select count(*) from bill_lines l where l.account_id = a.id)::text as lines,
                   (select coalesce(sum(pretax_amount), 0) from bill_lines l where l.account_id = a.id)::text as pretax,
                   (select coalesce(sum(paid_from_balance), 0) from bill_lines l where l.account_id = a.id)::text as paid,
                   (select coalesce(sum(outstanding_amount), 0) from bill_lines l where l.account_id = a.id)::text as outstanding,
                   (select count(*) from bill_lines l where l.account_id = a.id and settled_at is null)::text as unsettled,
                   (select coalesce(sum(amount), 0) from ledger_entries e where e.account_id = a.id)::text as ledger,
                   (select count(*) from bills b where b.account_id = a.id)::text as bills,
                   (select count(*) from bills b where b.account_id = a.id and status = 'closed')::text as closed
            from accounts a where a.id in (${sql.join(ids.map((id) => sql`${id}`), sql`, `)}) order by a.id`,
      );
    const first = await snapshot();
    expect(first).toHaveLength(4);
    const { account_id: _t, ...template } = first[0];
    void _t;
    expect(Number(template.lines)).toBe(f.lines / 4);
    expect(template.unsettled).toBe("0");
    expect(Number(template.closed)).toBeGreaterThan(0);
    for (const row of first.slice(1)) expect({ ...row, account_id: undefined }).toEqual({ ...template, account_id: undefined });

    // Again, with an id no account has: it is skipped; `now` is asked of each account as its run read it.
    const asked: string[] = [];
    const progress: string[] = [];
    const again = await runJobs(t.handle().db, {
      now: (a) => (asked.push(a.id), benchPeriod(gen).until),
      accountIds: [...ids, `close-${tag}-gone`],
      progress: (l) => progress.push(l),
      progressEveryMs: 0,
    });
    expect(again.map((r) => r.accountId)).toEqual(ids);
    expect(asked.sort()).toEqual(ids);
    expect(progress.at(-1)).toMatch(/^Jobs: 5\/5 accounts \(100\.0 %\) in .*, done$/);
    expect(await snapshot()).toEqual(first);
  });
});
