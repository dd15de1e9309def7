// `npm run ops -- import-usage --account <id> <file.ndjson|file.csv>`: bulk
// loads metered usage with the API's validation and dedup (lib/data/usage).
// The file is streamed line by line, so memory stays flat however big it is.
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import { createInterface } from "node:readline";
import { OPERATOR } from "@/lib/data/caller";
import { importUsage, type SourceRecord } from "@/lib/data/usage-import";
import { BadRequestError } from "@/lib/errors";

type Values = Record<string, string | boolean | undefined>;

export type UsageFileFormat = "ndjson" | "csv";
const CSV_COLUMNS = ["id", "instanceId", "item", "quantity", "start", "end", "attributes"] as const;
const CSV_REQUIRED = CSV_COLUMNS.filter((c) => c !== "attributes");

async function* physicalLines(file: string): AsyncGenerator<{ line: number; text: string }> {
  const rl = createInterface({ input: createReadStream(file, { encoding: "utf8" }), crlfDelay: Infinity });
  let line = 0;
  for await (const text of rl) {
    line++;
    yield { line, text: line === 1 ? text.replace(/^\uFEFF/, "") : text };
  }
}

/** NDJSON: one JSON record per line; blank lines are skipped. */
export async function* readNdjson(file: string): AsyncGenerator<SourceRecord> {
  for await (const { line, text } of physicalLines(file)) {
    if (!text.trim()) continue;
    try {
      yield { line, raw: JSON.parse(text) };
    } catch {
      yield { line, error: { field: "", message: "is not valid JSON" } };
    }
  }
}

/** One RFC 4180 record ("" escapes a quote inside a quoted field); a string is the reason it is malformed. */
export function parseCsvRecord(text: string): string[] | string {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let value = "";
    if (text[i] === '"') {
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) return "has an unterminated quoted field";
        value += text.slice(i, q);
        if (text[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      if (i < text.length && text[i] !== ",") return `has a character after a closing quote (column ${fields.length + 1})`;
    } else {
      const c = text.indexOf(",", i);
      value = text.slice(i, c < 0 ? text.length : c);
      i = c < 0 ? text.length : c;
    }
    fields.push(value);
    if (i >= text.length) return fields;
    i++; // the comma
  }
}

const quotes = (s: string) => {
  let n = 0;
  for (let i = s.indexOf('"'); i >= 0; i = s.indexOf('"', i + 1)) n++;
  return n;
};

/** CSV with a header naming the columns id,instanceId,item,quantity,start,end[,attributes] (any order). */
export async function* readCsv(file: string): AsyncGenerator<SourceRecord> {
  let header: string[] | null = null;
  let pending: { line: number; text: string; quotes: number } | null = null;
  for await (const { line, text } of physicalLines(file)) {
    // A quoted field may hold a newline: a record ends where its quotes balance.
    pending = pending ? { line: pending.line, text: `${pending.text}\n${text}`, quotes: pending.quotes + quotes(text) } : { line, text, quotes: quotes(text) };
    if (pending.quotes % 2) continue;
    const { line: at, text: record } = pending;
    pending = null;
    if (!record.trim()) continue;
    const fields = parseCsvRecord(record);
    if (!header) {
      if (typeof fields === "string") throw new BadRequestError(`line ${at}: the header ${fields}`);
      header = fields.map((f) => f.trim());
      const unknown = header.filter((h) => !(CSV_COLUMNS as readonly string[]).includes(h));
      const missing = CSV_REQUIRED.filter((c) => !header!.includes(c));
      if (unknown.length || missing.length)
        throw new BadRequestError(
          `line ${at}: the header must name the columns ${CSV_COLUMNS.join(",")} (attributes optional)` +
            `${missing.length ? `; missing ${missing.join(", ")}` : ""}${unknown.length ? `; unknown ${unknown.join(", ")}` : ""}`,
        );
      continue;
    }
    if (typeof fields === "string") {
      yield { line: at, error: { field: "", message: fields } };
      continue;
    }
    if (fields.length !== header.length) {
      yield { line: at, error: { field: "", message: `has ${fields.length} fields; the header has ${header.length}` } };
      continue;
    }
    const raw: Record<string, unknown> = {};
    header.forEach((h, i) => {
      if (h === "attributes") {
        if (fields[i].trim()) raw.attributes = parseAttributes(fields[i]);
      } else raw[h] = fields[i];
    });
    if (raw.attributes instanceof Error) yield { line: at, error: { field: "attributes", message: "is not a valid JSON object" } };
    else yield { line: at, raw };
  }
  if (pending) yield { line: pending.line, error: { field: "", message: "has an unterminated quoted field" } };
  if (!header) throw new BadRequestError("The CSV file is empty: it needs a header line id,instanceId,item,quantity,start,end,attributes.");
}

function parseAttributes(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch (e) {
    return e as Error;
  }
}

export function formatOf(file: string, explicit?: string): UsageFileFormat {
  if (explicit === "csv" || explicit === "ndjson") return explicit;
  if (explicit) throw new BadRequestError(`--format must be csv or ndjson, got "${explicit}"`);
  const ext = path.extname(file).toLowerCase();
  if (ext === ".csv") return "csv";
  if (ext === ".ndjson" || ext === ".jsonl") return "ndjson";
  throw new BadRequestError(`cannot tell the format of ${file}: name it .ndjson, .jsonl or .csv, or pass --format csv|ndjson`);
}

const grouped = (n: number) => Math.round(n).toLocaleString("en-US");

export const importUsageCommand = {
  summary: "Bulk-load usage records from an NDJSON or CSV file (same validation and dedup as POST /api/v1/usage; all or nothing).",
  args: "--account <id> [--format ndjson|csv] [--progress-every <records>] <file.ndjson|file.csv>   (CSV columns: id,instanceId,item,quantity,start,end,attributes)",
  options: { account: { type: "string" as const }, format: { type: "string" as const }, "progress-every": { type: "string" as const } },
  async run({ values, positionals, log }: { values: Values; positionals: string[]; log: (line: string) => void }) {
    const accountId = typeof values.account === "string" ? values.account : "";
    if (!accountId) throw new BadRequestError("missing --account");
    if (positionals.length !== 1) throw new BadRequestError("name exactly one file to import");
    const file = positionals[0];
    const format = formatOf(file, typeof values.format === "string" ? values.format : undefined);
    const every = values["progress-every"] === undefined ? 100_000 : Number(values["progress-every"]);
    if (!Number.isInteger(every) || every < 1) throw new BadRequestError(`--progress-every must be a whole number ≥ 1, got "${values["progress-every"]}"`);
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) throw new BadRequestError(`cannot read ${file}: no such file`);
    // A function, so the import may read the file a second time (ids already stored take a slower path).
    const result = await importUsage(OPERATOR, accountId, () => (format === "csv" ? readCsv(file) : readNdjson(file)), {
      progressEvery: every,
      onProgress: (p) => log(`  read ${grouped(p.read)} records (${grouped(p.read / Math.max(p.seconds, 0.001))} records/s)`),
    });
    const rate = result.read / Math.max(result.seconds, 0.001);
    log(
      `Imported ${file} into account ${accountId}: read ${grouped(result.read)}, accepted ${grouped(result.accepted)}, ` +
        `duplicates ${grouped(result.duplicates)} in ${result.seconds.toFixed(1)} s (${grouped(rate)} records/s).`,
    );
  },
};
