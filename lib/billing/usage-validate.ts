// One validator for metered usage, shared by the API (`POST /api/v1/usage`) and
// the bulk import CLI, so both accept and refuse exactly the same records.
// Pure: the caller supplies the account's clock, its instances and the catalog's
// items. Two phases, because the API must parse a batch before it knows which
// instances to look up: `checkUsageShape` (zod + formats, no context), then
// `checkUsageRecord` (instance, item rule, attributes). Every problem is an
// issue {field, message} so callers can name the record (index or line).
import { z } from "zod";
import { dec } from "@/lib/money";
import type { D } from "@/lib/money";
import { contentHashOf } from "./usage";
import { findBadText } from "@/lib/text";

export const USAGE_BATCH_MAX = 10_000;
/** Rules rated from ingested usage; the others come from lifecycle or orders. */
export const METERED_RULES: ReadonlySet<string> = new Set(["storage-gb-month", "egress-tiered", "traffic-free", "per-scan", "hourly", "package-quota"]);
/** Items counted in whole events (scans, images indexed): a record may be a single instant. */
const COUNT_RULES: ReadonlySet<string> = new Set(["per-scan", "package-quota"]);
const EGRESS_RULES: ReadonlySet<string> = new Set(["egress-tiered", "traffic-free"]);
export const NETWORKS = ["internet", "vpc", "replication"] as const;

const MAX_QUANTITY = dec("1e9");
const FUTURE_TOLERANCE_MS = 5 * 60_000; // metering clocks drift a little
const MAX_SPAN_MS = 31 * 24 * 3600_000; // a record covers at most one month
const MAX_ATTRIBUTES_CHARS = 4096;

export interface UsageIssue {
  field: string;
  message: string;
}

/**
 * A record's instants, as Dates and as the epoch milliseconds and ISO text the
 * checks, the hash and the COPY use. The Dates come from a cache shared by the
 * records with the same instant text: read them, never change them. (Next's
 * server replaces the Date constructor; there `getTime()` on a Date costs
 * ~0.15 µs, so a batch's hot path reads the numbers and strings instead.)
 */
export interface UsageSpan {
  startAt: Date;
  endAt: Date;
  startMs: number;
  endMs: number;
  startIso: string;
  endIso: string;
}

/** A record that passed the shape checks: instants parsed, quantity normalised. */
export interface ShapedUsage extends UsageSpan {
  id: string;
  instanceId: string;
  item: string;
  /** The quantity as Decimal#toFixed() writes it: the form checked, stored and hashed. */
  quantityText: string;
  attributes: Record<string, unknown> | null;
  /** `JSON.stringify(attributes)` (made once, for the size check), null without attributes. */
  attributesJson: string | null;
}

/** A record ready to store. */
export interface ValidUsage extends UsageSpan {
  id: string;
  instanceId: string;
  itemId: string;
  quantity: string;
  attributes: Record<string, unknown> | null;
  /** `JSON.stringify(attributes)`, null without attributes. */
  attributesJson: string | null;
  contentHash: string;
}

export interface UsageInstance {
  id: string;
  productId: string;
  createdAt: Date;
  releasedAt: Date | null;
}

export interface UsageItem {
  id: string; // `${productId}.${code}`
  productId: string;
  code: string;
  rule: string;
}

export interface UsageContext {
  /** The account's clock: records may not end after it (+ 5 minutes). */
  now: Date;
  /** Only the account's own instances: another account's id is simply unknown. */
  instance(id: string): UsageInstance | undefined;
  itemsByProduct: ReadonlyMap<string, readonly UsageItem[]>;
}

export function itemsByProduct(items: readonly UsageItem[]): Map<string, UsageItem[]> {
  const map = new Map<string, UsageItem[]>();
  for (const it of items) map.set(it.productId, [...(map.get(it.productId) ?? []), it]);
  return map;
}

// ── Phase 1: shape ───────────────────────────────────────────────────────────

const FIELDS = "id, instanceId, item, quantity, start, end, attributes";
const text = (max: number) =>
  z
    .string({ error: (i) => (i.input === undefined ? "is required" : "must be a string") })
    .min(1, "must not be empty")
    .max(max, `must be at most ${max} characters`)
    // Control characters never belong in ids, and storage relies on their absence (lib/data/usage).
    .regex(/^[^\x00-\x1f\x7f]*$/, "must not contain control characters");

export const usageRecordSchema = z.strictObject(
  {
    id: text(200),
    instanceId: text(200),
    item: text(200),
    quantity: z.union([z.string(), z.number()], {
      error: (i) => (i.input === undefined ? "is required" : 'must be a decimal string or a number, e.g. "12.5"'),
    }),
    start: text(40),
    end: text(40),
    attributes: z
      .record(z.string(), z.unknown(), { error: "must be an object of attributes" })
      .nullable()
      .optional(),
  },
  { error: (i) => (i.code === "invalid_type" ? `must be an object {${FIELDS}}` : undefined) },
);

const DECIMAL_RE = /^-?\d+(\.\d+)?$/;
// A quantity written as Decimal#toFixed() writes it (no sign, no leading or trailing zeros) and within
// every bound (below 1e9, at most 6 decimals): valid as it stands, its own canonical form, no Decimal needed.
const PLAIN_QUANTITY_RE = /^(?:0|[1-9]\d{0,8})(?:\.\d{0,5}[1-9])?$/;

/** The quantity's canonical text, or why it is not one (parseQuantity's rules). */
function quantityTextOf(v: string | number): string | { problem: string } {
  if (typeof v === "string" && PLAIN_QUANTITY_RE.test(v)) return v;
  const q = parseQuantity(v);
  return typeof q === "string" ? { problem: q } : q.toFixed();
}

/** A quantity: ≥ 0, ≤ 1e9, at most 6 decimals. JSON numbers go through their string form. */
export function parseQuantity(v: string | number): D | string {
  if (typeof v === "number" && !Number.isFinite(v)) return "must be a finite number";
  const s = typeof v === "number" ? String(v) : v.trim();
  let q: D;
  if (typeof v === "number") q = dec(s);
  else if (DECIMAL_RE.test(s)) q = dec(s);
  else return `must be a decimal number such as "12.5", got ${JSON.stringify(v.slice(0, 40))}`;
  if (q.isNegative() && !q.isZero()) return "must not be negative";
  if (q.gt(MAX_QUANTITY)) return "must be at most 1000000000";
  if (q.decimalPlaces() > 6) return "must have at most 6 decimals";
  return q;
}

// ISO 8601 date-time with an explicit offset: the instant must be unambiguous.
const INSTANT_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2}):?(\d{2}))$/;

/** A parsed instant: one shared Date (never changed), its epoch milliseconds and its ISO text. */
interface Instant {
  date: Date;
  ms: number;
  iso: string;
}

// A batch's instants repeat (the hours of a month): each distinct string is parsed once.
const instantCache = new Map<string, Instant | string>();
const INSTANT_CACHE_MAX = 50_000;

/** The cached parse of `s`: its Instant, or why it is not one. */
function instantOf(s: string): Instant | string {
  let v = instantCache.get(s);
  if (v === undefined) {
    const parsed = parseInstantUncached(s);
    v = typeof parsed === "string" ? parsed : { date: parsed, ms: parsed.getTime(), iso: parsed.toISOString() };
    if (instantCache.size >= INSTANT_CACHE_MAX) instantCache.clear();
    instantCache.set(s, v);
  }
  return v;
}

/** Parse an ISO 8601 instant with Z or an offset; calendar-checked, not left to Date.parse. */
export function parseInstant(s: string): Date | string {
  const v = instantOf(s);
  return typeof v === "string" ? v : new Date(v.ms);
}

function parseInstantUncached(s: string): Date | string {
  const m = INSTANT_RE.exec(s);
  const hint = 'must be an ISO 8601 instant with an offset, e.g. "2026-01-01T10:00:00Z"';
  if (!m) return hint;
  // Calendar fields are small integers, not amounts: plain numbers are exact here.
  const [y, mo, d, h, mi] = [+m[1], +m[2], +m[3], +m[4], +m[5]];
  const sec = m[6] ? +m[6] : 0;
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || (d > 28 && d > new Date(Date.UTC(y, mo, 0)).getUTCDate()) || h > 23 || mi > 59 || sec > 59)
    return `${hint}; ${s} is not a date`;
  const ms = m[7] ? +`${m[7]}00`.slice(0, 3) : 0; // Date keeps milliseconds
  let offsetMin = 0;
  if (!m[8]) {
    const [oh, om] = [+m[10], +m[11]];
    if (oh > 23 || om > 59) return `${hint}; ${s} has a bad offset`;
    offsetMin = (m[9] === "-" ? -1 : 1) * (oh * 60 + om);
  }
  return new Date(Date.UTC(y, mo - 1, d, h, mi, sec, ms) - offsetMin * 60_000);
}

const zodField = (path: readonly PropertyKey[]) => path.map(String).join(".");

type UsageRecordInput = z.infer<typeof usageRecordSchema>;

const CONTROL_RE = /[\x00-\x1f\x7f]/;
const okText = (v: unknown, max: number) => typeof v === "string" && v.length > 0 && v.length <= max && !CONTROL_RE.test(v);

/** Whether `v` passes the schema's checks for an id (instanceId): every id of a valid record does. */
export const isUsageId = (v: unknown): v is string => okText(v, 200);
const isPlainObject = (v: unknown): v is Record<string, unknown> => {
  if (typeof v !== "object" || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/**
 * The schema's verdict for a record it surely accepts, without running zod: zod
 * costs several µs per record, which is most of a well-formed batch's time.
 * Anything this does not recognise as plainly well-formed goes to zod, so zod
 * alone decides every refusal and words every message.
 */
export function fastUsageShape(raw: unknown): UsageRecordInput | null {
  if (!isPlainObject(raw)) return null;
  for (const k in raw) if (!FIELD_SET.has(k)) return null;
  const r = raw as Record<string, unknown>;
  if (!okText(r.id, 200) || !okText(r.instanceId, 200) || !okText(r.item, 200) || !okText(r.start, 40) || !okText(r.end, 40)) return null;
  if (typeof r.quantity !== "string" && !(typeof r.quantity === "number" && Number.isFinite(r.quantity))) return null;
  const a = r.attributes;
  if (a !== undefined && a !== null) {
    if (!isPlainObject(a)) return null;
    for (const k in a) if (k === "__proto__" || a[k] === undefined) return null; // let zod decide the odd cases
  }
  return r as UsageRecordInput;
}
const FIELD_SET: ReadonlySet<string> = new Set(["id", "instanceId", "item", "quantity", "start", "end", "attributes"]);

function zodShape(raw: unknown): { data?: UsageRecordInput; issues: UsageIssue[] } {
  const parsed = usageRecordSchema.safeParse(raw);
  if (parsed.success) return { data: parsed.data, issues: [] };
  const issues = parsed.error.issues.flatMap((i): UsageIssue[] =>
    i.code === "unrecognized_keys"
      ? i.keys.map((k) => ({ field: k, message: `is not a field of a usage record (${FIELDS})` }))
      : [{ field: zodField(i.path), message: i.message }],
  );
  return { issues };
}

/** Phase 1: the record's shape and formats, with no context. */
export function checkUsageShape(raw: unknown): { record?: ShapedUsage; issues: UsageIssue[] } {
  let r = fastUsageShape(raw);
  if (!r) {
    const z = zodShape(raw);
    if (!z.data) return { issues: z.issues };
    r = z.data;
  }
  const issues: UsageIssue[] = [];
  const quantity = quantityTextOf(r.quantity);
  if (typeof quantity !== "string") issues.push({ field: "quantity", message: quantity.problem });
  const start = instantOf(r.start);
  if (typeof start === "string") issues.push({ field: "start", message: start });
  const end = instantOf(r.end);
  if (typeof end === "string") issues.push({ field: "end", message: end });
  const attributes = r.attributes && Object.keys(r.attributes).length ? r.attributes : null;
  const badText = findBadText(attributes);
  if (badText) issues.push({ field: ["attributes", badText.path].filter(Boolean).join("."), message: badText.message });
  const attributesJson = attributes ? JSON.stringify(attributes) : null;
  if (attributesJson && attributesJson.length > MAX_ATTRIBUTES_CHARS)
    issues.push({ field: "attributes", message: `must be at most ${MAX_ATTRIBUTES_CHARS} characters of JSON` });
  if (issues.length || typeof quantity !== "string" || typeof start === "string" || typeof end === "string") return { issues };
  return {
    record: {
      id: r.id,
      instanceId: r.instanceId,
      item: r.item,
      quantityText: quantity,
      startAt: start.date,
      endAt: end.date,
      startMs: start.ms,
      endMs: end.ms,
      startIso: start.iso,
      endIso: end.iso,
      attributes,
      attributesJson,
    },
    issues,
  };
}

// ── Phase 2: context ─────────────────────────────────────────────────────────

const UNMETERED: Record<string, string> = {
  "phone-period": "is billed by 4-hour periods from the resource's lifecycle, not from usage records",
  subscription: "is billed by subscription orders, not from usage records",
  free: "is free: it takes no usage records",
};

function resolveItem(r: ShapedUsage, instance: UsageInstance, ctx: UsageContext): UsageItem | UsageIssue {
  const items = ctx.itemsByProduct.get(instance.productId) ?? [];
  const prefix = `${instance.productId}.`;
  const code = r.item.startsWith(prefix) ? r.item.slice(prefix.length) : r.item;
  const item = items.find((i) => i.code === code);
  if (!item) {
    const codes = items.filter((i) => METERED_RULES.has(i.rule)).map((i) => i.code);
    const known = codes.length ? `; metered items: ${codes.join(", ")}` : "; it has no metered items";
    return { field: "item", message: `"${r.item}" is not a billable item of product ${instance.productId}${known}` };
  }
  if (!METERED_RULES.has(item.rule)) return { field: "item", message: `${item.id} ${UNMETERED[item.rule] ?? "takes no usage records"}` };
  return item;
}

// The clock's now and an instance's created/released instants are compared with every record
// of a batch: their milliseconds are read once per Date (these Dates are not changed while a batch is checked).
const msOfDate = new WeakMap<Date, number>();
const MS = (d: Date) => {
  let ms = msOfDate.get(d);
  if (ms === undefined) msOfDate.set(d, (ms = d.getTime()));
  return ms;
};

/** Phase 2: the record against the account's instances, the item's rule and the clock. */
export function checkUsageRecord(r: ShapedUsage, ctx: UsageContext): { record?: ValidUsage; issues: UsageIssue[] } {
  const issues: UsageIssue[] = [];
  const add = (field: string, message: string) => issues.push({ field, message });
  const start = r.startMs;
  const end = r.endMs;

  if (end < start) add("end", "must not be before start");
  else if (end - start > MAX_SPAN_MS) add("end", "a record may span at most 31 days");
  if (end > MS(ctx.now) + FUTURE_TOLERANCE_MS)
    add("end", `must not be after the account's clock (${ctx.now.toISOString()}) + 5 minutes`);

  const instance = ctx.instance(r.instanceId);
  if (!instance) {
    // Another account's instance reads exactly like an unknown one.
    add("instanceId", `unknown instance "${r.instanceId}"`);
    return { issues };
  }
  const item = resolveItem(r, instance, ctx);
  if ("field" in item) {
    issues.push(item);
    return { issues };
  }
  if (COUNT_RULES.has(item.rule)) {
    const q = dec(r.quantityText);
    if (!q.isInteger() || q.lt(1)) add("quantity", `a count of ${item.rule === "per-scan" ? "scans" : "events"} must be a whole number ≥ 1`);
  } else if (end === start) add("end", "must be after start (only counted records, e.g. scans, may have start = end)");

  if (instance.releasedAt && start >= MS(instance.releasedAt))
    add("start", `instance ${instance.id} was released at ${instance.releasedAt.toISOString()}, before this record starts`);
  const point = start === end;
  if (point ? end < MS(instance.createdAt) : end <= MS(instance.createdAt))
    add("end", `instance ${instance.id} was created at ${instance.createdAt.toISOString()}, after this record ends`);

  let attributes = r.attributes;
  if (item.rule === "storage-gb-month") checkStorage(r, add);
  if (EGRESS_RULES.has(item.rule)) attributes = checkNetwork(r, item, add);

  if (issues.length) return { issues };
  const quantity = r.quantityText;
  return {
    record: {
      id: r.id,
      instanceId: r.instanceId,
      itemId: item.id,
      quantity,
      startAt: r.startAt,
      endAt: r.endAt,
      startMs: start,
      endMs: end,
      startIso: r.startIso,
      endIso: r.endIso,
      attributes,
      // checkNetwork may add the implied network: then the stored JSON is made anew.
      attributesJson: attributes === r.attributes ? r.attributesJson : attributes && JSON.stringify(attributes),
      contentHash: contentHashOf(r.instanceId, item.id, quantity, r.startIso, r.endIso, attributes, attributes === r.attributes ? r.attributesJson : null),
    },
    issues,
  };
}

const GB_BYTES = BigInt(1024 ** 3);
const MICRO = BigInt(1_000_000);

function checkStorage(r: ShapedUsage, add: (field: string, message: string) => void) {
  const a = r.attributes ?? {};
  if (typeof a.layerDigest !== "string" || !a.layerDigest.trim())
    add("attributes.layerDigest", "is required for storage records (the layer or object digest, a non-empty string)");
  const bytes = a.bytes;
  const whole =
    (typeof bytes === "number" && Number.isSafeInteger(bytes) && bytes >= 0) || (typeof bytes === "string" && /^\d{1,24}$/.test(bytes));
  if (!whole) {
    add("attributes.bytes", "is required for storage records: the size as a non-negative whole number of bytes");
    return;
  }
  // Exact integer arithmetic in millionths of a GB (a Decimal division per record
  // was the slowest step of a 10,000-record batch): round half-up to 6 dp, ± 1.
  const expected = (BigInt(bytes as number | string) * MICRO + GB_BYTES / BigInt(2)) / GB_BYTES;
  const [int, frac = ""] = r.quantityText.split(".");
  const given = BigInt(int + frac.padEnd(6, "0"));
  const diff = given - expected;
  if (diff > BigInt(1) || diff < BigInt(-1))
    add("quantity", `must be the stored size in GB (bytes / 1024³ = ${dec(expected.toString()).div(1_000_000).toFixed()}), got ${r.quantityText}`);
}

/** Egress needs a network; an item named after its network (oss.vpc-egress) implies it. */
function checkNetwork(r: ShapedUsage, item: UsageItem, add: (field: string, message: string) => void): Record<string, unknown> | null {
  const implied = NETWORKS.find((n) => item.code === `${n}-egress`);
  const given = r.attributes?.network;
  if (given === undefined || given === null) {
    if (implied) return { ...(r.attributes ?? {}), network: implied }; // stored explicitly, so rating reads one field
    add("attributes.network", `is required for traffic records: one of ${NETWORKS.join(", ")}`);
  } else if (!NETWORKS.includes(given as (typeof NETWORKS)[number])) {
    add("attributes.network", `must be one of ${NETWORKS.join(", ")}, got ${JSON.stringify(given)}`);
  } else if (implied && given !== implied) {
    add("attributes.network", `${item.id} is ${implied} traffic; got network "${given}"`);
  }
  return r.attributes;
}

/** Both phases, for callers that know the context up front (the bulk import). */
export function validateUsageRecord(raw: unknown, ctx: UsageContext): { record?: ValidUsage; issues: UsageIssue[] } {
  const shaped = checkUsageShape(raw);
  if (!shaped.record) return { issues: shaped.issues };
  return checkUsageRecord(shaped.record, ctx);
}
