// One process per embedded database folder: PGlite is an in-process
// PostgreSQL, and two processes writing one folder diverge or corrupt it.
// Whoever opens the folder holds `<folder>.lock`, a 0600 JSON file naming the
// holder (pid, command, start time). It is created atomically (link of a
// finished temp file, so it is never seen half-written), removed on exit and
// on SIGINT/SIGTERM, and taken over when its pid is gone (kill -9).
// A leaf module: Node built-ins only, so scripts/start.mjs can load it too.
import { randomBytes } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export interface LockHolder {
  pid: number;
  command: string;
  /** ISO instant the holder started. */
  since: string;
  host: string;
  /** Linux: the pid's start time in clock ticks since boot, so a reused pid is not mistaken for the holder. */
  procStart?: string;
  token: string;
  /** The holder's operator endpoint on 127.0.0.1 (servers only); the token is the bearer secret. */
  operator?: { port: number; token: string };
}

export interface DbLock {
  readonly path: string;
  readonly holder: LockHolder;
  /** Publish the operator endpoint in the lock file. */
  advertise(operator: { port: number; token: string }): void;
  release(): void;
}

/** The launcher (scripts/start.mjs) passes its lock to the server process it starts through this variable. */
export const HANDOVER_ENV = "BILLING_DB_LOCK_HANDOVER";

export function defaultPgliteDir(): string {
  return process.env.PGLITE_DIR ?? path.join(process.cwd(), ".data", "pglite");
}

export function lockPathFor(dataDir: string): string {
  return `${path.resolve(dataDir).replace(/[\\/]+$/, "")}.lock`;
}

export class DatabaseInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    super(
      `The embedded database in ${shownDir(dataDir)} is in use by \`${holder.command}\`, pid ${holder.pid}, since ${hhmm(holder.since)}; ` +
        `stop it, or point both at a PostgreSQL server with DATABASE_URL.`,
    );
    this.name = "DatabaseInUseError";
  }
}

export function readLock(dataDir: string): LockHolder | null {
  return readHolder(lockPathFor(dataDir)) ?? null;
}

/** Take the folder's lock or throw DatabaseInUseError naming the live holder. */
export function acquireDbLock(dataDir: string, opts: { command: string; log?: (line: string) => void }): DbLock {
  const file = lockPathFor(dataDir);
  mkdirSync(path.dirname(file), { recursive: true });
  const mine: LockHolder = { pid: process.pid, command: opts.command, since: new Date().toISOString(), host: os.hostname(), procStart: procStart(process.pid), token: newToken() };
  for (let attempt = 0; attempt < 5; attempt++) {
    if (createExclusive(file, mine)) return track(file, mine);
    const current = readHolder(file);
    if (current === undefined) continue; // vanished between the two calls: try again
    const handover = process.env[HANDOVER_ENV];
    if (current && handover && current.token === handover) {
      // Our launcher took the lock for us: it becomes ours, under a fresh token so it is adopted once.
      delete process.env[HANDOVER_ENV];
      const adopted = { ...current, pid: process.pid, procStart: procStart(process.pid), token: newToken(), operator: undefined };
      replace(file, adopted);
      return track(file, adopted);
    }
    if (current && isAlive(current)) throw new DatabaseInUseError(dataDir, current);
    if (removeIfSame(file, current)) {
      opts.log?.(
        current
          ? `Took over the lock on ${shownDir(dataDir)} left by \`${current.command}\` (pid ${current.pid}, since ${hhmm(current.since)}), which is no longer running.`
          : `Took over an unreadable lock file on ${shownDir(dataDir)}.`,
      );
    }
  }
  const current = readHolder(file);
  if (current) throw new DatabaseInUseError(dataDir, current);
  throw new Error(`Could not take the lock ${file}; remove it if no process uses ${shownDir(dataDir)}.`);
}

// ── holders ─────────────────────────────────────────────────────────────────

const held = new Map<string, LockHolder>();
let hooked = false;

function track(file: string, holder: LockHolder): DbLock {
  held.set(file, holder);
  hookExit();
  let current = holder;
  return {
    path: file,
    get holder() {
      return current;
    },
    advertise(operator) {
      if (held.get(file) !== current) return;
      current = { ...current, operator };
      held.set(file, current);
      replace(file, current);
    },
    release() {
      if (held.get(file) !== current) return;
      held.delete(file);
      releaseFile(file, current.token);
    },
  };
}

function releaseFile(file: string, token: string) {
  const on = readHolder(file);
  if (on && on.token === token) tryUnlink(file);
}

function releaseAll() {
  for (const [file, holder] of held) releaseFile(file, holder.token);
  held.clear();
}

// 'exit' runs on process.exit and a drained event loop. A signal with no other
// listener would end the process without it, so then we release and re-raise;
// when someone else listens (Next.js, the launcher) they exit and 'exit' runs.
function hookExit() {
  if (hooked) return;
  hooked = true;
  process.on("exit", releaseAll);
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    const onSignal = () => {
      if (process.listenerCount(sig) > 1) return;
      releaseAll();
      process.removeListener(sig, onSignal);
      process.kill(process.pid, sig);
    };
    process.on(sig, onSignal);
  }
}

// ── the file ────────────────────────────────────────────────────────────────

function createExclusive(file: string, holder: LockHolder): boolean {
  const tmp = writeTemp(file, holder);
  try {
    linkSync(tmp, file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw e;
  } finally {
    tryUnlink(tmp);
  }
}

/** Rewrite a lock we hold; rename keeps the path present throughout. */
function replace(file: string, holder: LockHolder) {
  renameSync(writeTemp(file, holder), file);
}

function writeTemp(file: string, holder: LockHolder): string {
  const tmp = `${file}.${process.pid}.${newToken().slice(0, 8)}.tmp`;
  writeFileSync(tmp, JSON.stringify(holder) + "\n", { mode: 0o600 });
  return tmp;
}

/** undefined: no file; null: a file that is not a lock we can read. */
function readHolder(file: string): LockHolder | null | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
  try {
    const h = JSON.parse(text) as LockHolder;
    return Number.isInteger(h.pid) && typeof h.token === "string" ? h : null;
  } catch {
    return null;
  }
}

/**
 * Remove a dead holder's file, but only that one: move it aside (only one
 * process can win the rename), then check it is still the file we judged dead.
 * If a live lock was moved instead, put it back.
 */
function removeIfSame(file: string, dead: LockHolder | null): boolean {
  const aside = `${file}.${process.pid}.${newToken().slice(0, 8)}.stale`;
  try {
    renameSync(file, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw e;
  }
  const moved = readHolder(aside);
  if (moved?.token === dead?.token || (moved === null && dead === null)) {
    tryUnlink(aside);
    return true;
  }
  try {
    linkSync(aside, file);
  } catch {
    // someone created a new lock meanwhile: theirs stands
  }
  tryUnlink(aside);
  return false;
}

// The host is not compared: a container recreated on the same volume has a new
// host name, and one data folder shared by two machines is not supported.
function isAlive(h: LockHolder): boolean {
  // Our own pid: held only if this process took it (in a container, pids repeat across restarts).
  if (h.pid === process.pid) return [...held.values()].some((mine) => mine.token === h.token);
  try {
    process.kill(h.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ESRCH") return false;
  }
  const now = procStart(h.pid);
  return !(h.procStart && now && now !== h.procStart);
}

/** Field 22 of /proc/<pid>/stat (after the parenthesised command name). */
function procStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

function tryUnlink(file: string) {
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
}

function newToken(): string {
  return randomBytes(24).toString("base64url");
}

function shownDir(dataDir: string): string {
  const rel = path.relative(process.cwd(), path.resolve(dataDir));
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? `${rel}/` : `${path.resolve(dataDir)}/`;
}

function hhmm(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? "an unknown time" : `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}
