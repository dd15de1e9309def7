import "server-only";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "@/db/client";
import { accounts } from "@/db/schema";
import { accountNow, testClocksEnabled } from "@/lib/clock";
import { ConflictError, NotFoundError } from "@/lib/errors";
import { runJobs } from "@/lib/jobs/run";
import { deliverPending } from "@/lib/webhooks/deliver";
import { requireRole, tenantOf, type Caller } from "./caller";
import { parseInput } from "./validate";

export const advanceInput = z.object({
  now: z.iso.datetime({ offset: true, message: "must be an ISO 8601 instant with a time zone, e.g. 2026-11-01T00:00:00Z" }),
});

/**
 * Test clocks (BILLING_TEST_CLOCK=1 only): move this account's clock forward
 * and run its jobs up to it. Other accounts are untouched.
 */
export async function advanceTestClock(caller: Caller, input: unknown) {
  if (!testClocksEnabled()) throw new NotFoundError();
  const id = tenantOf(caller);
  requireRole(caller, "admin");
  const now = new Date(parseInput(advanceInput, input).now);
  const db = await getDb();
  const [account] = await db.select().from(accounts).where(eq(accounts.id, id));
  if (!account) throw new NotFoundError();
  // The first move sets the starting point; after that the clock only goes forward.
  if (account.testClockNow && now < account.testClockNow) {
    throw new ConflictError(`Test clocks only move forward: it is already ${account.testClockNow.toISOString()}.`);
  }
  await db.update(accounts).set({ testClockNow: now }).where(eq(accounts.id, id));
  const [result] = await runJobs(db, { now, accountIds: [id] });
  // What the run emitted goes out now, so a test sees it without waiting for the scheduler.
  await deliverPending(db, { accountIds: [id] });
  return { now: now.toISOString(), linesRated: result.lines, linesSettled: result.settled, overdueSince: result.overdueAt?.toISOString() ?? null };
}

export async function getTestClock(caller: Caller) {
  if (!testClocksEnabled()) throw new NotFoundError();
  const db = await getDb();
  const [account] = await db.select().from(accounts).where(eq(accounts.id, tenantOf(caller)));
  return { now: accountNow(account).toISOString(), frozen: account.testClockNow !== null };
}
