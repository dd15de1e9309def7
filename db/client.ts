// The one database client. DATABASE_URL set → that PostgreSQL server through
// postgres.js; unset → embedded PGlite persisted under .data/ (or PGLITE_DIR,
// "memory://" for throw-away databases). Nothing else knows which one it has.
// An embedded folder is opened by one process at a time (lib/db-lock).
import { once } from "node:events";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { SQL } from "drizzle-orm";
import { acquireDbLock, defaultPgliteDir, type DbLock } from "@/lib/db-lock";
import * as schema from "./schema";
import { hasCitus, migrateCitus } from "./citus";
import { copyRowsBytes, inlineStatement } from "./copy-out";

export { defaultPgliteDir };

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
export type DbOrTx = Db | Tx;

export interface DbHandle {
  db: Db;
  kind: "pglite" | "postgres";
  /** The PostgreSQL server's URL (kind "postgres"). */
  url?: string;
  /** The embedded folder's lock, held until close() or exit. */
  lock?: DbLock;
  close(): Promise<void>;
  /** Whether the server is a Citus coordinator (asked once, then remembered). */
  isCitus(): Promise<boolean>;
  /** Bulk load rows of text columns with COPY (fast path for imports and benchmarks). */
  copyRows(table: string, columns: string[], rows: AsyncIterable<string[]> | Iterable<string[]>): Promise<number>;
  /** The same COPY inside `tx` (a transaction of this handle's db), so it commits or rolls back with it. */
  copyRowsIn(tx: Tx, table: string, columns: string[], rows: AsyncIterable<string[]> | Iterable<string[]>): Promise<number>;
  /**
   * PostgreSQL only: the one-column rows of `statement` through COPY … TO STDOUT, their values
   * concatenated in UTF-8 byte chunks (db/copy-out.ts); null when its parameters cannot be written as literals.
   */
  copyOut?(statement: SQL): AsyncIterable<Uint8Array> | null;
}

export const MIGRATIONS_FOLDER = path.join(process.cwd(), "db", "migrations");

/** `owner` names this process in the embedded folder's lock (shown to whoever finds it held). */
/** `onQuery` (PostgreSQL only) sees every statement sent, with its parameters: tests use it to check query plans. */
export async function openDatabase(
  opts: { url?: string; dataDir?: string; loadDataDir?: Blob; owner?: string; onQuery?: (text: string, params: unknown[], connection?: number) => void } = {},
): Promise<DbHandle> {
  if (opts.url) return openPostgres(opts.url, opts.onQuery);
  return openPglite(opts.dataDir ?? defaultPgliteDir(), opts.loadDataDir, opts.owner ?? defaultOwner());
}

function defaultOwner(): string {
  const script = process.env.npm_lifecycle_event;
  if (script) return script === "start" ? "npm start" : `npm run ${script}`;
  return `node ${path.basename(process.argv[1] ?? "")}`.trim();
}

/**
 * postgres.js options for a DATABASE_URL. A `host` parameter naming a
 * directory (`postgres://app@localhost:5432/app?host=/var/run/postgresql`, as
 * libpq and node-postgres read it) connects over the server's Unix socket:
 * on one machine that skips the loopback TCP stack, a measurable share of a
 * page's CPU at ~10 statements a page.
 */
export function postgresTarget(url: string): { url: string; path?: string } {
  const parsed = new URL(url);
  const dir = parsed.searchParams.get("host");
  if (!dir?.startsWith("/")) return { url };
  parsed.searchParams.delete("host");
  return { url: parsed.toString(), path: `${dir.replace(/\/$/, "")}/.s.PGSQL.${parsed.port || "5432"}` };
}

async function openPostgres(databaseUrl: string, onQuery?: (text: string, params: unknown[], connection?: number) => void): Promise<DbHandle> {
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const { url, path: socket } = postgresTarget(databaseUrl);
  const client = postgres(url, {
    ...(socket ? { path: socket } : {}),
    max: Number(process.env.DB_POOL_SIZE ?? 10),
    onnotice: () => {},
    ...(onQuery ? { debug: (connection: number, text: string, params: unknown[]) => onQuery(text, params, connection) } : {}),
    // Statements are prepared (preparing() below) for the parse and round trip they save, but
    // planned per execution as before: a generic plan ignores the account's parameter values
    // (settlement's UPDATE … FROM (VALUES …) went from under 1 ms to 6 ms with one).
    // No JIT: compiling costs ~100 ms per statement, more than any statement here gains — a
    // re-sent batch's id probe, planned on stale statistics after a bulk load, took 180 ms instead of 50.
    connection: { TimeZone: "UTC", plan_cache_mode: "force_custom_plan", jit: "off" },
  });
  const db = drizzle(preparing(client), { schema }) as unknown as Db;
  let citus: Promise<boolean> | undefined;
  return {
    db,
    kind: "postgres",
    url: databaseUrl,
    close: () => client.end({ timeout: 5 }),
    isCitus: () => (citus ??= hasCitus(db)),
    copyRows: (table, columns, rows) => copyPostgres(client, table, columns, rows),
    copyRowsIn: (tx, table, columns, rows) => copyPostgresIn(sessionClient<import("postgres").Sql>(tx), table, columns, rows),
    copyOut(statement) {
      const text = inlineStatement(statement);
      if (text === null) return null;
      return (async function* () {
        const q = client.unsafe(`COPY (${text}) TO STDOUT`);
        const readable = await q.readable();
        let done = false;
        try {
          // Not destroyed when the reader leaves early: the finally below must drain it.
          yield* copyRowsBytes(readable.iterator({ destroyOnReturn: false }));
          done = true;
          resumeAfterCopy(readable);
        } finally {
          if (!done) {
            // The reader left early (client gone): stop the server, then drain what is
            // in flight so the pooled connection returns clean instead of paused.
            q.cancel();
            const { finished } = await import("node:stream/promises");
            readable.resume();
            await finished(readable).catch(() => {});
            resumeAfterCopy(readable);
          }
        }
      })();
    },
  };
}

type PgClient = import("postgres").Sql;

/**
 * Drizzle sends each statement unnamed (`prepare: false`), so postgres.js
 * parses it, waits for its parameter types (a round trip), then binds it, and
 * the server plans it afresh every time: a billing job's 30-odd statements per
 * account paid that for every account. Named, the statement is parsed and
 * described once per connection and its plan can be reused. postgres.js keeps
 * them per connection (dropped with it, max_lifetime) and re-prepares one the
 * schema has invalidated.
 */
function preparing(client: PgClient): PgClient {
  return new Proxy(client, {
    get(target, prop) {
      if (prop === "unsafe") {
        return (query: string, params?: unknown[], options?: object) => target.unsafe(query, params as never, { ...options, prepare: true });
      }
      if (prop === "begin" || prop === "savepoint") {
        return (...args: unknown[]) => {
          const fn = args.at(-1) as (tx: PgClient) => unknown;
          return (Reflect.get(target, prop) as (...a: unknown[]) => unknown)(...args.slice(0, -1), (tx: PgClient) => fn(preparing(tx)));
        };
      }
      return Reflect.get(target, prop);
    },
  });
}

async function openPglite(dataDir: string, loadDataDir: Blob | undefined, owner: string): Promise<DbHandle> {
  const inMemory = dataDir.startsWith("memory://");
  // Before anything touches the folder: a second process stops here.
  const lock = inMemory ? undefined : acquireDbLock(dataDir, { command: owner, log: (line) => console.warn(line) });
  const client = await startPglite(inMemory ? undefined : dataDir, loadDataDir).catch((e) => {
    lock?.release();
    throw e;
  });
  const { drizzle } = await import("drizzle-orm/pglite");
  const db = drizzle(client, { schema }) as unknown as Db;
  return {
    db,
    kind: "pglite",
    lock,
    isCitus: async () => false,
    async close() {
      try {
        await client.close();
      } finally {
        lock?.release();
      }
    },
    copyRows: (table, columns, rows) => copyPglite(client, table, columns, rows),
    copyRowsIn: (tx, table, columns, rows) => copyPglite(sessionClient<import("@electric-sql/pglite").Transaction>(tx), table, columns, rows),
  };
}

/** The driver's own client under a Drizzle transaction (postgres.js TransactionSql, PGlite Transaction). */
function sessionClient<T>(tx: Tx): T {
  return (tx as unknown as { session: { client: T } }).session.client;
}

async function copyPostgres(client: import("postgres").Sql, table: string, columns: string[], rows: AsyncIterable<string[]> | Iterable<string[]>) {
  const { pipeline } = await import("node:stream/promises");
  const { Readable } = await import("node:stream");
  const writable = await client.unsafe(`COPY ${table} (${columns.join(",")}) FROM STDIN`).writable();
  let n = 0;
  // Rows go out in chunks of ~64 kB: a socket write per row was a measurable share of an import.
  async function* lines() {
    let chunk = "";
    for await (const row of rows as AsyncIterable<string[]>) {
      n++;
      chunk += copyLine(row);
      if (chunk.length >= 65_536) {
        yield chunk;
        chunk = "";
      }
    }
    if (chunk) yield chunk;
  }
  await pipeline(Readable.from(lines()), writable);
  return n;
}

/**
 * COPY on a transaction's connection. postgres.js never settles the writable
 * when the server refuses the COPY after its last row (porsager/postgres#1173):
 * awaiting it would hang with the transaction open. So a probe statement is
 * queued behind the COPY: it answers once the COPY is done, and fails with
 * 25P02 (transaction aborted) when the COPY failed — that error is rethrown
 * (the server's own reason is dropped by the driver).
 */
async function copyPostgresIn(client: import("postgres").Sql, table: string, columns: string[], rows: AsyncIterable<string[]> | Iterable<string[]>) {
  const { finished } = await import("node:stream/promises");
  const writable = await client.unsafe(`COPY ${table} (${columns.join(",")}) FROM STDIN`).writable();
  // The driver takes no other statement on the connection until the stream's final() has sent CopyDone.
  const writer = writable as unknown as { _final: (cb: (e?: Error | null) => void) => void };
  const ownFinal = writer._final;
  let copyDoneSent!: () => void;
  const copyDone = new Promise<void>((resolve) => (copyDoneSent = resolve));
  writer._final = function (cb) {
    ownFinal.call(this, cb);
    copyDoneSent();
  };
  const done = finished(writable);
  done.catch(() => {}); // awaited below, or abandoned when the probe reports the failure
  let n = 0;
  let chunk = "";
  try {
    for await (const row of rows as AsyncIterable<string[]>) {
      n++;
      chunk += copyLine(row);
      if (chunk.length >= 65_536) {
        if (!writable.write(chunk)) await Promise.race([once(writable, "drain"), done]);
        chunk = "";
      }
    }
  } catch (e) {
    writable.destroy(e as Error); // CopyFail: the server ends the COPY, the caller's error rolls back
    throw e;
  }
  if (chunk) writable.write(chunk);
  writable.end();
  await Promise.race([copyDone, done]);
  const probe = client.unsafe("select 1");
  await Promise.race([done, probe]);
  await Promise.all([done, probe]);
  return n;
}

async function copyPglite(
  client: Pick<import("@electric-sql/pglite").Transaction, "query">,
  table: string,
  columns: string[],
  rows: AsyncIterable<string[]> | Iterable<string[]>,
) {
  // PGlite takes COPY input as a blob.
  const parts: string[] = [];
  let n = 0;
  for await (const row of rows as AsyncIterable<string[]>) {
    n++;
    parts.push(copyLine(row));
  }
  await client.query(`COPY ${table} (${columns.join(",")}) FROM '/dev/blob'`, [], { blob: new Blob(parts) });
  return n;
}

async function startPglite(dataDir: string | undefined, loadDataDir: Blob | undefined) {
  const { PGlite } = await import("@electric-sql/pglite");
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const client = new PGlite(dataDir, { loadDataDir });
  await client.waitReady;
  await client.exec("SET TIME ZONE 'UTC'");
  return client;
}

/**
 * postgres.js pauses the socket when a COPY stream's buffer is full and resumes
 * it from the stream's read(); after the stream's end nobody reads, so the
 * server's CommandComplete/ReadyForQuery can sit unread in a paused socket and
 * the pooled connection never comes back. One more read() resumes it.
 */
export function resumeAfterCopy(readable: import("node:stream").Readable): void {
  (readable as unknown as { _read?: (n: number) => void })._read?.(0);
}

/** One row in COPY text format, tab-separated and newline-ended (no intermediate array). */
function copyLine(row: readonly (string | null)[]): string {
  let line = copyEscape(row[0]);
  for (let i = 1; i < row.length; i++) line += "\t" + copyEscape(row[i]);
  return line + "\n";
}

/** COPY text format: \N for null, backslash escapes for specials. */
const COPY_SPECIAL = /[\\\t\n\r]/;
function copyEscape(v: string | null): string {
  if (v === null) return "\\N";
  if (!COPY_SPECIAL.test(v)) return v; // the common case: nothing to escape
  return v.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r");
}

export async function migrateDatabase(handle: DbHandle): Promise<void> {
  if (handle.kind === "postgres" && handle.url) {
    // Web servers and workers start side by side: one migrates, the others wait and find nothing to do.
    const { default: postgres } = await import("postgres");
    const target = postgresTarget(handle.url);
    const lockConn = postgres(target.url, { max: 1, onnotice: () => {}, ...(target.path ? { path: target.path } : {}) });
    try {
      await lockConn`select pg_advisory_lock(${MIGRATE_LOCK})`;
      return await migrateUnlocked(handle);
    } finally {
      await lockConn.end({ timeout: 5 });
    }
  }
  return migrateUnlocked(handle);
}

const MIGRATE_LOCK = 7_300_117; // pg_advisory_lock key: one migrating process at a time

async function migrateUnlocked(handle: DbHandle): Promise<void> {
  if (handle.kind === "pglite") {
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    await migrate(handle.db as never, { migrationsFolder: MIGRATIONS_FOLDER });
  } else if (await hasCitus(handle.db)) {
    // A Citus cluster: the same migrations, then the tables distributed by account.
    await migrateCitus(handle.db as never, MIGRATIONS_FOLDER);
  } else {
    const { migrate } = await import("drizzle-orm/postgres-js/migrator");
    await migrate(handle.db as never, { migrationsFolder: MIGRATIONS_FOLDER });
  }
}

/** Rows of a raw `db.execute(sql)` whichever driver ran it. */
export async function query<T = Record<string, unknown>>(db: DbOrTx, q: SQL): Promise<T[]> {
  const result = (await db.execute(q)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

// The process-wide handle: opened, migrated once; a failed open is dropped so
// the next call retries. It lives on globalThis because Next.js bundles
// instrumentation, pages and route handlers separately, and two PGlite
// instances on one folder would not see each other's writes.
const slot = globalThis as unknown as { __billingDb?: Promise<DbHandle> | null; __billingDbOwner?: string };

/** How this process is named in the embedded database's lock, e.g. "npm run ops -- top-up". */
export function setDatabaseOwner(owner: string): void {
  slot.__billingDbOwner = owner;
}

export function getHandle(): Promise<DbHandle> {
  if (!slot.__billingDb) {
    const opening = (async () => {
      const handle = await openDatabase({ url: process.env.DATABASE_URL || undefined, owner: slot.__billingDbOwner });
      await migrateDatabase(handle);
      return handle;
    })();
    slot.__billingDb = opening;
    opening.catch(() => {
      if (slot.__billingDb === opening) slot.__billingDb = null;
    });
  }
  return slot.__billingDb;
}

export async function getDb(): Promise<Db> {
  return (await getHandle()).db;
}

/** For tests and the CLI: use this handle as the process-wide one. */
export function setHandle(handle: DbHandle | null): void {
  slot.__billingDb = handle ? Promise.resolve(handle) : null;
}
