// `npm run worker`: runs the billing jobs from the shared queue (lib/jobs/queue)
// on a PostgreSQL server (DATABASE_URL). Start as many as you like, on any host:
// each account's jobs run in one worker at a time. The embedded database has no
// queue: there the server runs the jobs itself.
import { hostname } from "node:os";
import { getHandle, setDatabaseOwner } from "@/db/client";
import { openQueue, queueOptionsFromEnv, startQueueWorker } from "@/lib/jobs/queue";

async function main(): Promise<number> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error("npm run worker needs a PostgreSQL server (DATABASE_URL). On the embedded database the server runs the billing jobs itself.");
    return 2;
  }
  setDatabaseOwner("npm run worker");
  const handle = await getHandle();
  const log = (s: string) => console.log(s);
  const name = process.env.BILLING_WORKER_NAME || `${hostname()}-${process.pid}`;
  const boss = await openQueue(url, { ...queueOptionsFromEnv(), log });
  const worker = await startQueueWorker(boss, handle.db, {
    name,
    concurrency: Number(process.env.BILLING_WORKER_CONCURRENCY ?? 2),
    pollingIntervalSeconds: queueOptionsFromEnv().pollingIntervalSeconds,
    log,
  });
  console.log(`Billing worker ${name} ready.`);
  await new Promise<void>((resolve) => {
    for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => resolve());
  });
  // Finish the jobs in hand (up to 30 s), then let go.
  await worker.stop();
  await boss.stop({ graceful: true, wait: true, timeout: 30_000 });
  await handle.close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
