// The jobs' probe learns what an account's run has to do once it holds the
// account's lock: what a writer holding the lock committed meanwhile (an alert
// rule here; a coupon or an unpaid order alike) is seen, not skipped for the run.
// On PostgreSQL the probe really waits for the lock; on PGlite (one connection)
// the second transaction queues behind the first, which must also hold.
import { describe, expect, it } from "vitest";
import { alertRules } from "@/db/schema";
import { lockAccount } from "@/lib/billing/settlement";
import { OPERATOR } from "@/lib/data/caller";
import { createAccount } from "@/lib/data/operator";
import { probeAccount } from "@/lib/jobs/probe";
import { uniq, useTestDatabase } from "./db";

describe("jobs probe", () => {
  const t = useTestDatabase();
  const db = () => t.handle().db;

  it("sees what the lock's holder committed while the probe waited", async () => {
    const a = uniq("probe").toLowerCase().slice(0, 40);
    await createAccount(OPERATOR, { id: a, name: a });
    expect((await db().transaction((tx) => probeAccount(tx, a)))?.alertRules).toBe(false);

    let probed: Promise<Awaited<ReturnType<typeof probeAccount>>> | undefined;
    await db().transaction(async (tx) => {
      await lockAccount(tx, a);
      probed = db().transaction((tx2) => probeAccount(tx2, a));
      // Let the probe's statements start (and block on the lock) before the holder writes.
      await new Promise((r) => setTimeout(r, 300));
      await tx.insert(alertRules).values({ accountId: a, id: "low", kind: "low_balance", name: "Low balance", amount: "10.00" });
    });
    const probe = await probed!;
    expect(probe?.account.id).toBe(a);
    expect(probe?.alertRules).toBe(true);
  });
});
