import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { sql } from "drizzle-orm";
import { copyRowsBytes, copyRowsText, inlineStatement, unescapeCopyField } from "./copy-out";

/** COPY's text format for one field (PostgreSQL's CopyAttributeOutText). */
function escapeCopy(s: string): string {
  return s.replace(/[\\\b\f\n\r\t\v]/g, (c) => ({ "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v" })[c]!);
}

async function collect(chunks: Uint8Array[]): Promise<string> {
  async function* gen() {
    yield* chunks;
  }
  let out = "";
  for await (const s of copyRowsText(gen())) out += s;
  return out;
}

describe("inlineStatement", () => {
  it("writes string and number parameters as literals, $10 apart from $1", () => {
    const ps = Array.from({ length: 10 }, (_, i) => (i === 0 ? "it's" : i));
    const q = sql.join(ps.map((p) => sql`${p}`), sql`, `);
    expect(inlineStatement(sql`select ${q}`)).toBe("select 'it''s', 1, 2, 3, 4, 5, 6, 7, 8, 9");
  });
  it("refuses parameters that are not plain scalars", () => {
    expect(inlineStatement(sql`select ${BigInt(1)}`)).toBeNull();
    expect(inlineStatement(sql`select ${new Date(0)}`)).toBeNull();
  });
});

describe("copyRowsText", () => {
  it("gives back the rows' values, whatever the chunk boundaries (also inside a character or an escape)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ unit: "binary" }), { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 6 }), async (rows, cuts) => {
        const bytes = new TextEncoder().encode(rows.map((r) => `${escapeCopy(r)}\n`).join(""));
        const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const chunks = [0, ...at].map((from, i) => bytes.subarray(from, i < at.length ? at[i] : bytes.length));
        expect(await collect(chunks)).toBe(rows.join(""));
      }),
    );
  });
  it("unescapes CRLF-ended CSV lines", () => {
    expect(unescapeCopyField('a,"b\\\\c",d\\r\\n')).toBe('a,"b\\c",d\r\n');
  });
  it("refuses output that ends inside a row", async () => {
    await expect(collect([new TextEncoder().encode("a\nb")])).rejects.toThrow(/inside a row/);
  });
});

describe("copyRowsBytes", () => {
  it("gives back the rows' values as UTF-8 bytes, whatever the chunk boundaries (also inside a character or an escape)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ unit: "binary" }), { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 6 }), async (rows, cuts) => {
        const bytes = new TextEncoder().encode(rows.map((r) => `${escapeCopy(r)}\n`).join(""));
        const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        async function* gen() {
          yield* [0, ...at].map((from, i) => bytes.subarray(from, i < at.length ? at[i] : bytes.length));
        }
        const parts: Uint8Array[] = [];
        for await (const b of copyRowsBytes(gen())) parts.push(b);
        expect(Buffer.concat(parts)).toEqual(Buffer.from(rows.join(""), "utf8"));
      }),
    );
  });
  it("refuses output that ends inside a row or an escape", async () => {
    for (const text of ["a\nb", "a\n\\"]) {
      const run = async () => {
        for await (const _ of copyRowsBytes((async function* () { yield new TextEncoder().encode(text); })())) void _;
      };
      await expect(run()).rejects.toThrow(/inside a row/);
    }
  });
});
