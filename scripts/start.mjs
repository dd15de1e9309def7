// `npm start`: build when the sources are newer than the last build, then
// serve on PORT (default 3000). Migration and the first-run demo seed happen
// inside the server (instrumentation.ts), which prints the demo sign-ins.
import { spawnSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { constants } from "node:os";
import path from "node:path";
import { tsImport } from "tsx/esm/api";

const root = path.resolve(import.meta.dirname, "..");
process.chdir(root);
const port = process.env.PORT || "3000";

// The embedded database first: when another process holds it, stop now,
// before building or writing anything. The lock passes to the server we start.
const handover = {};
const { acquireDbLock, defaultPgliteDir, HANDOVER_ENV } = await tsImport("../lib/db-lock.ts", import.meta.url);
const dataDir = defaultPgliteDir();
if (!process.env.DATABASE_URL && !dataDir.startsWith("memory://")) {
  try {
    const lock = acquireDbLock(dataDir, { command: "npm start", log: console.log });
    handover[HANDOVER_ENV] = lock.holder.token;
  } catch (e) {
    if (e.name !== "DatabaseInUseError") throw e;
    console.error(e.message);
    process.exit(2);
  }
}

// A stable session secret for this checkout unless one is given.
if (!process.env.NEXTAUTH_SECRET) {
  const file = path.join(root, ".data", "auth-secret");
  mkdirSync(path.dirname(file), { recursive: true });
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString("base64url"), { mode: 0o600 });
  process.env.NEXTAUTH_SECRET = readFileSync(file, "utf8").trim();
}
process.env.NEXTAUTH_URL ||= `http://localhost:${port}`;

function newestMtime(entry) {
  if (!existsSync(entry)) return 0;
  const st = statSync(entry);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(entry)) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    newest = Math.max(newest, newestMtime(path.join(entry, name)));
  }
  return newest;
}

const buildId = path.join(root, ".next", "BUILD_ID");
const sources = ["app", "components", "lib", "db", "proxy.ts", "instrumentation.ts", "next.config.ts", "package-lock.json", "postcss.config.mjs"];
const built = existsSync(buildId) ? statSync(buildId).mtimeMs : 0;
if (built < Math.max(...sources.map(newestMtime))) {
  console.log(built ? "Sources changed since the last build: building…" : "First start: building the console…");
  const result = spawnSync("npx", ["next", "build"], { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

// Next's own entry, not npx: the server is our direct child, so signals reach it.
const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");
// A 64 MB young generation (V8's default is 16 MB): a 10,000-record usage batch stays alive until it
// is answered, and the default copied it through several scavenges (11 % of the server's CPU per
// re-sent record, docs/operations.md). Costs at most ~150 MB more memory.
const nodeFlags = ["--max-semi-space-size=64"];
const server = spawn(process.execPath, [...nodeFlags, nextBin, "start", "-p", port], { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...handover } });

// On a PostgreSQL server the jobs run in a worker process (scripts/worker.ts), one beside
// the server here; more can run anywhere with `npm run worker`. The embedded database
// is held by the server, which runs the jobs itself.
let worker = null;
let stopping = false;
function startWorker() {
  worker = spawn(process.execPath, [...nodeFlags, "--import", "tsx", "--conditions=react-server", "scripts/worker.ts"], { stdio: "inherit", env: process.env });
  worker.on("exit", (code, signal) => {
    if (stopping) return;
    console.error(`Billing worker stopped (${signal ?? code}); starting it again in 5 s.`);
    setTimeout(startWorker, 5000).unref();
  });
}
if (process.env.DATABASE_URL && (process.env.BILLING_JOBS_INTERVAL_SECONDS ?? "60") !== "0") startWorker();

for (const sig of ["SIGINT", "SIGTERM"])
  process.on(sig, () => {
    stopping = true;
    server.kill(sig);
    worker?.kill(sig);
  });
server.on("exit", (code, signal) => {
  stopping = true;
  worker?.kill("SIGTERM");
  process.exit(code ?? 128 + (constants.signals[signal] ?? 0));
});
