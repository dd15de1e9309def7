// One process per embedded database, with real processes: the real `npm start`
// (scripts/start.mjs → next start), the real ops CLI, and kill -9. Always on
// PGlite (DATABASE_URL is removed from the children), whichever pass runs it.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import os from "node:os";
import path from "node:path";
import Decimal from "decimal.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIRST_START_MS, freePort, npmStart as start, opsCli, Proc, READY, root, serverEnv, START_MS, stopAll } from "./server-process";

const dir = mkdtempSync(path.join(os.tmpdir(), "db-lock-"));
const dataDir = path.join(dir, "pglite");
const lockFile = `${dataDir}.lock`;
const env = serverEnv(dataDir, { NEXTAUTH_SECRET: "db-lock-test-secret", BILLING_JOBS_INTERVAL_SECONDS: "0" }); // nothing writes unless the test does
const IN_USE = /The embedded database in .+ is in use by `npm start`, pid (\d+), since \d\d:\d\d; stop it, or point both at a PostgreSQL server with DATABASE_URL\./;

const started: Proc[] = [];
const npmStart = (port: number) => start(env, port, started);
const ops = (...args: string[]) => opsCli(env, ...args);

const holder = () => JSON.parse(readFileSync(lockFile, "utf8")) as { pid: number; command: string; operator?: { port: number; token: string } };

function counts(statusOutput: string): Record<string, string> {
  return Object.fromEntries([...statusOutput.matchAll(/^ {2}(\w+) +(\d+)$/gm)].map((m) => [m[1], m[2]]));
}

async function api(port: number, key: string, url: string) {
  const res = await fetch(`http://127.0.0.1:${port}${url}`, { headers: { authorization: `Bearer ${key}` } });
  expect(res.status).toBe(200);
  return res.json();
}

/** The account's balance and its whole ledger as the server shows them; the balance must be the ledger's sum. */
async function money(port: number, key: string) {
  const account = (await api(port, key, "/api/v1/account")) as { balance: string };
  const { data: entries } = (await api(port, key, "/api/v1/account/ledger?limit=5000")) as { data: Array<{ id: string; amount: string; type: string }> };
  const sum = entries.reduce((s, e) => s.plus(e.amount), new Decimal(0));
  expect(sum.toFixed(2)).toBe(account.balance);
  return { balance: account.balance, entries };
}

/** A raw request to the operator endpoint, to prove who it turns away. */
function rawOperator(port: number, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/ops", method: "POST", headers }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on("error", reject);
    req.end(JSON.stringify({ argv: ["status"] }));
  });
}

describe("the embedded database has one process at a time", () => {
  let first: Proc;
  let port: number;
  let apiKey: string;

  beforeAll(async () => {
    port = await freePort();
    first = npmStart(port);
    await first.waitFor(READY, FIRST_START_MS);
  }, FIRST_START_MS + 60_000);

  afterAll(async () => {
    await stopAll(started);
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it("a second npm start stops at once, naming the holder, exit code 2, writing nothing", async () => {
    const before = readFileSync(lockFile, "utf8");
    const second = npmStart(await freePort());
    const { code } = await second.exited;
    expect(code).toBe(2);
    const [, pid] = second.output.match(IN_USE)!;
    expect(Number(pid)).toBe(holder().pid); // the server process itself, not its launcher
    expect(second.output).not.toMatch(/building|Database ready/);
    expect(readFileSync(lockFile, "utf8")).toBe(before);
  }, START_MS);

  it("a server started without the launcher also refuses", async () => {
    const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
    const direct = new Proc(spawn(process.execPath, [nextBin, "start", "-p", String(await freePort())], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] }));
    started.push(direct);
    const { code } = await direct.exited;
    expect(code).toBe(2);
    expect(direct.output).toMatch(IN_USE);
    expect(direct.output).not.toMatch(/Database ready/);
  }, START_MS);

  it("ops commands run inside the server, which sees the change at once", async () => {
    const key = await ops("create-api-key", "--account", "acme", "--name", "lock-test", "--role", "admin");
    expect(key.code).toBe(0);
    expect(key.stderr).toContain(`Ran inside \`npm start\` (pid ${holder().pid})`);
    apiKey = key.stdout.match(/^(bk_\S+)$/m)![1];

    const before = await money(port, apiKey);
    const topUp = await ops("top-up", "--account", "acme", "--amount", "5", "--key", "db-lock-test-topup");
    expect(topUp.code).toBe(0);
    const printed = topUp.stdout.match(/Topped up 5: .* Balance (-?\d+\.\d\d)\./)![1];
    const after = await money(port, apiKey);
    expect(after.balance).toBe(printed);
    const added = after.entries.filter((e) => !before.entries.some((b) => b.id === e.id));
    expect(added.filter((e) => e.type === "top_up").map((e) => e.amount)).toEqual(["5.00"]);
    expect(new Decimal(after.balance).minus(before.balance).toFixed(2)).toBe(added.reduce((s, e) => s.plus(e.amount), new Decimal(0)).toFixed(2));

    // Bad input is still refused with exit 2, and a command that needs the folder free refuses, naming the holder.
    const bad = await ops("top-up", "--account", "acme", "--amount", "-3");
    expect(bad.code).toBe(2);
    const lockBefore = readFileSync(lockFile, "utf8");
    const seed = await ops("seed-demo");
    expect(seed.code).toBe(2);
    expect(readFileSync(lockFile, "utf8")).toBe(lockBefore);
    expect(seed.stderr).toMatch(IN_USE);
    expect(seed.stderr).toContain("`seed-demo` does not run through the server");
  }, START_MS);

  it("the operator endpoint answers only loopback requests with the token, never a browser", async () => {
    const { operator } = holder();
    const host = `127.0.0.1:${operator!.port}`;
    const json = { "content-type": "application/json", host };
    expect(await rawOperator(operator!.port, { ...json })).toBe(401);
    expect(await rawOperator(operator!.port, { ...json, authorization: "Bearer wrong" })).toBe(401);
    const auth = { ...json, authorization: `Bearer ${operator!.token}` };
    expect(await rawOperator(operator!.port, { ...auth, origin: "http://evil.test" })).toBe(403);
    expect(await rawOperator(operator!.port, { ...auth, host: `evil.test:${operator!.port}` })).toBe(403); // DNS rebinding
    expect(await rawOperator(operator!.port, auth)).toBe(200);
  }, START_MS);

  it("after kill -9 of the server the next start takes the lock over and the data is intact", async () => {
    const status = await ops("status");
    expect(status.code).toBe(0);
    const rows = counts(status.stdout);
    expect(Number(rows.ledger_entries)).toBeGreaterThan(0);
    const money0 = await money(port, apiKey);

    const dead = holder();
    process.kill(dead.pid, "SIGKILL");
    const { code } = await first.exited;
    expect(code).toBe(137); // the launcher reports its server's death
    expect(holder().pid).toBe(dead.pid); // left behind

    const port2 = await freePort();
    const next = npmStart(port2);
    await next.waitFor(READY, START_MS);
    expect(next.output).toMatch(new RegExp(`Took over the lock on .+ left by \`npm start\` \\(pid ${dead.pid}, since \\d\\d:\\d\\d\\), which is no longer running\\.`));
    expect(next.output).not.toContain("New embedded database");
    expect(await money(port2, apiKey)).toEqual(money0);
    expect(counts((await ops("status")).stdout)).toEqual(rows);

    // A normal stop releases the lock; the CLI then opens the folder itself and finds the same rows.
    next.child.kill("SIGTERM");
    await next.exited;
    expect(existsSync(lockFile)).toBe(false);
    const direct = await ops("status");
    expect(direct.code).toBe(0);
    expect(direct.stderr).not.toContain("Ran inside");
    expect(counts(direct.stdout)).toEqual(rows);
    expect(existsSync(lockFile)).toBe(false);
  }, 2 * START_MS);
});
