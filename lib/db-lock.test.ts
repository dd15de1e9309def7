import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { acquireDbLock, DatabaseInUseError, HANDOVER_ENV, lockPathFor, readLock, type LockHolder } from "./db-lock";

const dirs: string[] = [];
function dataDir() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "db-lock-"));
  dirs.push(dir);
  return path.join(dir, "pglite");
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  delete process.env[HANDOVER_ENV];
});

/** A pid that certainly belonged to a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "console.log(process.pid)"], { encoding: "utf8" });
  return Number(r.stdout.trim());
}

function writeLock(dir: string, holder: Partial<LockHolder>) {
  const full: LockHolder = { pid: 1, command: "npm start", since: "2026-11-30T10:02:00Z", host: os.hostname(), token: "t-old", ...holder };
  writeFileSync(lockPathFor(dir), JSON.stringify(full), { mode: 0o600 });
}

describe("embedded database lock", () => {
  it("writes the holder to a 0600 file and removes it on release", () => {
    const dir = dataDir();
    const lock = acquireDbLock(dir, { command: "npm run ops -- top-up" });
    const onDisk = readLock(dir)!;
    expect(onDisk).toMatchObject({ pid: process.pid, command: "npm run ops -- top-up", token: lock.holder.token });
    expect(Date.now() - Date.parse(onDisk.since)).toBeLessThan(60_000);
    expect(statSync(lock.path).mode & 0o777).toBe(0o600);
    lock.release();
    expect(existsSync(lock.path)).toBe(false);
  });

  it("refuses a second opener while the holder lives, naming it, and leaves its lock alone", () => {
    const dir = dataDir();
    const since = new Date(2026, 10, 30, 10, 2).toISOString(); // 10:02 local time
    writeLock(dir, { pid: process.ppid, command: "npm start", since });
    const before = readFileSync(lockPathFor(dir), "utf8");
    let error: unknown;
    try {
      acquireDbLock(dir, { command: "npm start" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DatabaseInUseError);
    expect((error as Error).message).toBe(
      `The embedded database in ${dir}/ is in use by \`npm start\`, pid ${process.ppid}, since 10:02; stop it, or point both at a PostgreSQL server with DATABASE_URL.`,
    );
    expect(readFileSync(lockPathFor(dir), "utf8")).toBe(before);
    expect(existsSync(dir)).toBe(false); // nothing created for the database itself
  });

  it("refuses a second open of the same folder within one process", () => {
    const dir = dataDir();
    const lock = acquireDbLock(dir, { command: "a" });
    expect(() => acquireDbLock(dir, { command: "b" })).toThrow(DatabaseInUseError);
    lock.release();
    acquireDbLock(dir, { command: "b" }).release();
  });

  it("takes over a lock whose pid is gone, with a one-line notice", () => {
    const dir = dataDir();
    const pid = deadPid();
    writeLock(dir, { pid, command: "npm start" });
    const notices: string[] = [];
    const lock = acquireDbLock(dir, { command: "npm start", log: (l) => notices.push(l) });
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(new RegExp(`^Took over the lock on .* left by \`npm start\` \\(pid ${pid}, since \\d\\d:\\d\\d\\), which is no longer running\\.$`));
    expect(readLock(dir)!.token).toBe(lock.holder.token);
    lock.release();
  });

  it("takes over a lock whose pid now belongs to another process (pid reused)", () => {
    const dir = dataDir();
    writeLock(dir, { pid: process.ppid, procStart: "1" });
    const notices: string[] = [];
    acquireDbLock(dir, { command: "x", log: (l) => notices.push(l) }).release();
    expect(notices).toHaveLength(1);
  });

  it("takes over a lock left by an earlier run with this same pid (containers reuse pids)", () => {
    const dir = dataDir();
    writeLock(dir, { pid: process.pid });
    const notices: string[] = [];
    acquireDbLock(dir, { command: "x", log: (l) => notices.push(l) }).release();
    expect(notices).toHaveLength(1);
  });

  it("adopts the launcher's lock once, through the handover token", () => {
    const dir = dataDir();
    writeLock(dir, { pid: process.ppid, command: "npm start", token: "launcher-token" });
    process.env[HANDOVER_ENV] = "launcher-token";
    const lock = acquireDbLock(dir, { command: "node next" });
    expect(readLock(dir)).toMatchObject({ pid: process.pid, command: "npm start" });
    expect(lock.holder.token).not.toBe("launcher-token");
    expect(process.env[HANDOVER_ENV]).toBeUndefined();
    lock.release();
  });

  it("publishes the operator endpoint and never removes a lock it does not hold", () => {
    const dir = dataDir();
    const lock = acquireDbLock(dir, { command: "npm start" });
    lock.advertise({ port: 4321, token: "secret" });
    expect(readLock(dir)!.operator).toEqual({ port: 4321, token: "secret" });
    expect(statSync(lock.path).mode & 0o777).toBe(0o600);
    // Someone replaced the file (e.g. took it over after judging us dead): release leaves theirs.
    writeLock(dir, { pid: process.ppid, token: "theirs" });
    lock.release();
    expect(readLock(dir)!.token).toBe("theirs");
  });
});

describe("release on signals", () => {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`a holder stopped with ${signal} leaves no lock and still ends by the signal`, async () => {
      const dir = dataDir();
      const script = `
        import { acquireDbLock } from ${JSON.stringify(path.resolve(import.meta.dirname, "db-lock.ts"))};
        acquireDbLock(${JSON.stringify(dir)}, { command: "holder" });
        console.log("held");
        setInterval(() => {}, 1000);`;
      // Plain node with tsx's loader only (the tsx CLI would add its own signal handling).
      const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
      await new Promise<void>((resolve, reject) => {
        child.stdout.on("data", (d: Buffer) => d.toString().includes("held") && resolve());
        child.on("exit", () => reject(new Error("holder exited early")));
      });
      expect(existsSync(lockPathFor(dir))).toBe(true);
      const exited = new Promise<[number | null, string | null]>((r) => child.on("exit", (code, sig) => r([code, sig])));
      child.kill(signal);
      const [code, sig] = await exited;
      expect(sig === signal || code === 128 + os.constants.signals[signal]).toBe(true);
      expect(existsSync(lockPathFor(dir))).toBe(false);
    }, 60_000);
  }
});
