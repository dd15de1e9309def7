// `COPY (SELECT …) TO STDOUT` for exports on PostgreSQL: the server writes the
// rows straight to the socket (no cursor round trips, no row parsing in
// JavaScript), the stream's backpressure keeps memory bounded. The statement's
// one column is already the finished text (e.g. a CSV line); COPY's text
// format escapes it, so rows are split on COPY's terminator and unescaped here.
import { PgDialect } from "drizzle-orm/pg-core";
import type { SQL } from "drizzle-orm";

const dialect = new PgDialect();

/** The statement with its parameters written as literals, or null when one is not a plain scalar (COPY takes no parameters). */
export function inlineStatement(statement: SQL): string | null {
  const { sql: text, params } = dialect.sqlToQuery(statement);
  const literals: string[] = [];
  for (const p of params) {
    if (p === null || p === undefined) literals.push("NULL");
    else if (typeof p === "string") literals.push(`'${p.replace(/'/g, "''")}'`);
    else if (typeof p === "number" && Number.isFinite(p)) literals.push(String(p));
    else if (typeof p === "boolean") literals.push(p ? "true" : "false");
    else return null;
  }
  // $10 before $1: replace by the whole number matched.
  return text.replace(/\$(\d+)\b/g, (m, n: string) => literals[Number(n) - 1] ?? m);
}

const UNESCAPE: Record<string, string> = { b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v" };

/** One COPY text-format field back to its value (the statement yields one column). */
export function unescapeCopyField(s: string): string {
  return s.indexOf("\\") < 0 ? s : s.replace(/\\(.)/g, (_, c: string) => UNESCAPE[c] ?? c);
}

/** Each byte after a backslash in COPY's text format → the byte it stands for (itself unless a control-character escape). */
const UNESCAPE_BYTE = Uint8Array.from({ length: 256 }, (_, b) => {
  const c = String.fromCharCode(b);
  return c in UNESCAPE ? UNESCAPE[c].charCodeAt(0) : b;
});
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;

/**
 * COPY text output (chunks of bytes) → the rows' values concatenated, as bytes,
 * chunk by chunk. Byte-wise is exact for UTF-8: a backslash or newline byte is
 * never part of a multi-byte character. No text decoding, splitting or
 * re-encoding per row: one pass over each chunk.
 */
export async function* copyRowsBytes(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const state: UnescapeState = { escaped: false, inRow: false };
  for await (const chunk of chunks) {
    const out = new Uint8Array(chunk.length);
    // Always a plain Uint8Array view (not a Buffer): one shape keeps the loop monomorphic.
    const n = unescapeChunk(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length), out, state);
    if (n) yield out.subarray(0, n);
  }
  if (state.escaped || state.inRow) throw new Error("COPY output ended inside a row");
}

interface UnescapeState {
  /** The last chunk ended on a backslash. */
  escaped: boolean;
  /** The last chunk ended inside a row. */
  inRow: boolean;
}

/** One chunk's values into `out` (a plain function: V8 optimises its loop, which it does not inside a generator). */
function unescapeChunk(chunk: Uint8Array, out: Uint8Array, state: UnescapeState): number {
  let escaped = state.escaped;
  let inRow = state.inRow;
  let o = 0;
  for (let i = 0; i < chunk.length; i++) {
    const b = chunk[i];
    if (escaped) {
      out[o++] = UNESCAPE_BYTE[b];
      escaped = false;
      inRow = true;
    } else if (b === BACKSLASH) {
      escaped = inRow = true;
    } else if (b === NEWLINE) {
      inRow = false; // a row's end: an unescaped newline is never part of a value
    } else {
      out[o++] = b;
      inRow = true;
    }
  }
  state.escaped = escaped;
  state.inRow = inRow;
  return o;
}

/** The same as text: COPY text output → the rows' values concatenated, chunk by chunk. */
export async function* copyRowsText(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  for await (const bytes of copyRowsBytes(chunks)) {
    const text = decoder.decode(bytes, { stream: true });
    if (text) yield text;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}
