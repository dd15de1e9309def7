// The server runs the billing jobs on a schedule, each account at its own
// "now" (its test clock when those are enabled). Runs never overlap.
import { getDb } from "@/db/client";
import { accountNow } from "@/lib/clock";
import { runJobs } from "@/lib/billing/jobs";

export function startJobScheduler({ intervalSeconds, log }: { intervalSeconds: number; log: (s: string) => void }): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const t0 = Date.now();
      const results = await runJobs(await getDb(), { now: accountNow });
      log(`Billing jobs: ${results.length} account(s) in ${Date.now() - t0} ms.`);
    } catch (e) {
      log(`Billing jobs failed: ${(e as Error).message}`);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(tick, intervalSeconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
