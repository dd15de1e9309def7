// Runs once when the server starts: open the database, apply migrations, and
// on a new embedded database load the catalog and the demo; then run the
// billing jobs on a schedule (BILLING_JOBS_INTERVAL_SECONDS, 0 turns it off).
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { bootstrap } = await import("./lib/ops/bootstrap");
  await bootstrap({ log: console.log });
  const interval = Number(process.env.BILLING_JOBS_INTERVAL_SECONDS ?? 60);
  if (interval > 0) {
    const { startJobScheduler } = await import("./lib/ops/scheduler");
    startJobScheduler({ intervalSeconds: interval, log: console.log });
  }
}
