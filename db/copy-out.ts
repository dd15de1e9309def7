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

/** COPY text output (chunks of bytes) → the rows' values concatenated, chunk by chunk. */
export async function* copyRowsText(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let carry = "";
  for await (const chunk of chunks) {
    const text = carry + decoder.decode(chunk, { stream: true });
    const end = text.lastIndexOf("\n");
    if (end < 0) {
      carry = text;
      continue;
    }
    carry = text.slice(end + 1);
    const rows = text.slice(0, end).split("\n");
    let out = "";
    for (const r of rows) out += unescapeCopyField(r);
    yield out;
  }
  carry += decoder.decode();
  if (carry) throw new Error("COPY output ended inside a row");
}
