// Web servers on a PostgreSQL server do not run the billing jobs: every
// BILLING_JOBS_INTERVAL_SECONDS they ask the shared queue for a tick, and the
// workers (`npm run worker`, lib/jobs/queue) run one job per account. However
// many servers ask, the queue keeps one tick per interval. The embedded
// database, held by one process, keeps the in-process scheduler (./scheduler).
import { enqueueTick, openQueue, queueOptionsFromEnv } from "@/lib/jobs/queue";

export async function startTickEnqueuer({ url, intervalSeconds, log }: { url: string; intervalSeconds: number; log: (s: string) => void }): Promise<() => Promise<void>> {
  const boss = await openQueue(url, { ...queueOptionsFromEnv(), supervise: false, log });
  const tick = () => enqueueTick(boss, intervalSeconds).catch((e: unknown) => log(`Billing tick not queued: ${(e as Error).message}`));
  const timer = setInterval(tick, intervalSeconds * 1000);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await boss.stop({ graceful: false, wait: true });
  };
}
