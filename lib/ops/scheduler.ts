// The server runs the billing jobs on a schedule, each account at its own
// "now" (its test clock when those are enabled). Runs never overlap.
//
// Every charge is settled with its own due instant (a Cloud Phone period at its
// end, a day's usage at the day's end), whenever the run happens, so the tick
// never changes an amount or the recorded overdue instant. What it bounds is
// how long after that instant the effects land: a Cloud Phone of an account
// that can no longer pay keeps running for at most one tick. Hence a short
// default (60 s, BILLING_JOBS_INTERVAL_SECONDS): a run over an account with
// nothing due is a few reads.
import { getDb } from "@/db/client";
import { accountNow } from "@/lib/clock";
import { runJobs } from "@/lib/jobs/run";
import { deliverPending } from "@/lib/webhooks/deliver";

export const DEFAULT_JOBS_INTERVAL_SECONDS = 60;

export function startJobScheduler({ intervalSeconds, log, accountIds }: { intervalSeconds: number; log: (s: string) => void; accountIds?: string[] }): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const t0 = Date.now();
      const results = await runJobs(await getDb(), { now: accountNow, accountIds });
      log(`Billing jobs: ${results.length} account(s) in ${Date.now() - t0} ms.`);
    } catch (e) {
      log(`Billing jobs failed: ${(e as Error).message}`);
    }
    // Webhook deliveries (the outbox) are due whatever the jobs did, even after a failed run.
    try {
      const d = await deliverPending(await getDb(), { accountIds });
      if (d.attempted) log(`Webhooks: ${d.succeeded} delivered, ${d.failed} failed of ${d.attempted}.`);
    } catch (e) {
      log(`Webhook deliveries failed: ${(e as Error).message}`);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(tick, intervalSeconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
