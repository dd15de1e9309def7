// API ingest over real HTTP: `next start` (the production build) on the
// bench's database, two concurrent clients with keep-alive, 10,000 records per
// request, then the first batches re-sent (all duplicates). Request bodies are
// serialised before the clock starts (client work). Needs `npm run build` first.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { OPERATOR } from "@/lib/data/caller";
import { createApiKey } from "@/lib/data/operator";
import { generateUsage, type BenchRecord, type GenerateOptions } from "./generate";
import { API_BATCH, setUpAccount } from "./accounts";

export interface HttpFigures {
  records: number;
  seconds: number;
  perSecond: number;
  dedup: { records: number; seconds: number; perSecond: number };
}

const CLIENTS = 2;

async function waitUntilUp(base: string, deadline: number): Promise<void> {
  for (;;) {
    try {
      await fetch(`${base}/api/v1/catalog`);
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`next start did not answer on ${base} within 120 s`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** Sends `bodies` with `clients` requests in flight; answers (accepted, duplicates) and the wall time. */
export async function send(base: string, key: string, bodies: string[], clients = CLIENTS) {
  let next = 0;
  let accepted = 0;
  let duplicates = 0;
  const t0 = performance.now();
  const client = async () => {
    while (next < bodies.length) {
      const body = bodies[next++];
      const res = await fetch(`${base}/api/v1/usage`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body });
      const json = (await res.json()) as { accepted: number; duplicates: number; error?: { message: string } };
      if (res.status !== 200) throw new Error(`POST /api/v1/usage answered ${res.status}: ${json.error?.message}`);
      accepted += json.accepted;
      duplicates += json.duplicates;
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  return { accepted, duplicates, seconds: (performance.now() - t0) / 1000 };
}

/** The V8 flags scripts/start.mjs gives the server. */
export const SERVER_NODE_FLAGS = ["--max-semi-space-size=64"];

/** Batches re-sent for the duplicates' figure: enough (100,000 records, about a second) that one pause does not decide it. */
const RESENT_BATCHES = 10;

/** A reason instead of figures when there is no production build to start. */
export async function measureHttpIngest(opts: {
  dbUrl: string;
  port: number;
  gen: GenerateOptions;
  tag: string;
  log: (s: string) => void;
  /** Run (untimed) between the ingest and the re-send: bench:engine waits there for autovacuum. */
  beforeResend?: () => Promise<void>;
}): Promise<HttpFigures | string> {
  if (!existsSync(path.join(process.cwd(), ".next", "BUILD_ID"))) return "skipped: no production build (run `npm run build` first)";
  const accountId = `bench-http-${opts.tag}`;
  await setUpAccount(accountId, opts.gen);
  const key = (await createApiKey(OPERATOR, { accountId, name: "bench-http", role: "admin" })).key;
  const bodies: string[] = [];
  let batch: BenchRecord[] = [];
  for (const r of generateUsage(opts.gen)) {
    batch.push(r);
    if (batch.length === API_BATCH) {
      bodies.push(JSON.stringify({ records: batch }));
      batch = [];
    }
  }
  if (batch.length) bodies.push(JSON.stringify({ records: batch }));

  const base = `http://127.0.0.1:${opts.port}`;
  // As `npm start` runs it (scripts/start.mjs): Next's entry under node, with the same V8 flag.
  const server = spawn(process.execPath, [...SERVER_NODE_FLAGS, path.join("node_modules", "next", "dist", "bin", "next"), "start", "-p", String(opts.port), "-H", "127.0.0.1"], {
    detached: true,
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env,
      DATABASE_URL: opts.dbUrl,
      NEXTAUTH_SECRET: "bench-secret-not-for-production",
      NEXTAUTH_URL: base,
      NEXT_TELEMETRY_DISABLED: "1",
      BILLING_JOBS_INTERVAL_SECONDS: "0",
      NODE_ENV: "production",
    },
  });
  try {
    await waitUntilUp(base, Date.now() + 120_000);
    // One small request first, so compiling the route on first use is not in the figure.
    await send(base, key, [JSON.stringify({ records: [] })]).catch(() => {});
    const ingest = await send(base, key, bodies);
    const records = ingest.accepted + ingest.duplicates;
    opts.log(`  http: ${records.toLocaleString("en-US")} records in ${ingest.seconds.toFixed(2)} s, ${CLIENTS} clients`);
    await opts.beforeResend?.();
    const again = await send(base, key, bodies.slice(0, RESENT_BATCHES));
    opts.log(`  http re-send: ${again.duplicates.toLocaleString("en-US")} duplicates in ${again.seconds.toFixed(2)} s`);
    const resent = again.accepted + again.duplicates;
    return {
      records,
      seconds: ingest.seconds,
      perSecond: records / ingest.seconds,
      dedup: { records: resent, seconds: again.seconds, perSecond: resent / again.seconds },
    };
  } finally {
    if (server.pid) process.kill(-server.pid, "SIGTERM");
  }
}
