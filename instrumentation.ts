// Runs once when the server starts: record each request's real peer address
// (sign-in throttling), open the database, apply migrations, and on a new
// embedded database load the catalog and the demo; then schedule the billing
// jobs (BILLING_JOBS_INTERVAL_SECONDS, 0 turns it off): on a PostgreSQL server
// by queueing a tick for the workers (`npm run worker`), on the embedded
// database by running them here.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { recordPeerAddresses } = await import("./lib/auth/client-address");
  recordPeerAddresses();
  const { bootstrap } = await import("./lib/ops/bootstrap");
  try {
    await bootstrap({ log: console.log });
  } catch (e) {
    // Another process holds the embedded database: serving beside it would diverge.
    if ((e as Error).name === "DatabaseInUseError") {
      console.error((e as Error).message);
      process.exit(2);
    }
    throw e;
  }
  // Holding the embedded database: `npm run ops` commands run in here.
  const { getHandle } = await import("./db/client");
  const handle = await getHandle();
  if (handle.lock) {
    const { startOperatorEndpoint } = await import("./lib/ops/operator-endpoint");
    await startOperatorEndpoint(handle, console.log);
  }
  const interval = Number(process.env.BILLING_JOBS_INTERVAL_SECONDS ?? 60);
  if (interval > 0) {
    if (handle.kind === "postgres") {
      const { startTickEnqueuer } = await import("./lib/ops/tick-enqueuer");
      await startTickEnqueuer({ url: process.env.DATABASE_URL!, intervalSeconds: interval, log: console.log });
    } else {
      const { startJobScheduler } = await import("./lib/ops/scheduler");
      startJobScheduler({ intervalSeconds: interval, log: console.log });
    }
  }
}
