// Usage records as metering sends them. The content hash decides whether a
// re-sent record id is a duplicate (same hash) or a conflict (409).
import { sha256 } from "@/lib/ids";
import { dec } from "@/lib/money";

export interface UsageRow {
  accountId: string;
  id: string;
  instanceId: string;
  itemId: string;
  quantity: string;
  startAt: Date;
  endAt: Date;
  attributes: Record<string, unknown> | null;
}

/** `canonicalQuantity`: the quantity is already Decimal#toFixed()'s form (the validator's), so it is not parsed again. */
export function usageContentHash(r: Omit<UsageRow, "accountId" | "id">, canonicalQuantity = false): string {
  const quantity = canonicalQuantity ? r.quantity : dec(r.quantity).toFixed();
  return contentHashOf(r.instanceId, r.itemId, quantity, isoInstant(r.startAt), isoInstant(r.endAt), r.attributes);
}

/** The content hash from its parts: the quantity in Decimal#toFixed()'s form, the instants as toISOString() writes them. */
export function contentHashOf(
  instanceId: string,
  itemId: string,
  quantity: string,
  startIso: string,
  endIso: string,
  attributes: Record<string, unknown> | null,
  /** `JSON.stringify(attributes)` when the caller has it: the sorted form already, if the keys are in order. */
  attributesJson: string | null = null,
): string {
  return sha256(`${instanceId}|${itemId}|${quantity}|${startIso}|${endIso}|${sortedJson(attributes, attributesJson)}`);
}

/**
 * `JSON.stringify(a, Object.keys(a).sort())` — the form stored hashes were made
 * with (note the key list also filters nested objects' keys) — written out by
 * hand for the common flat object of strings, numbers, booleans and nulls,
 * where the replacer list is several times slower than the serialisation.
 */
export function sortedJson(a: Record<string, unknown> | null, json: string | null = null): string {
  if (!a) return "";
  const keys = Object.keys(a);
  if (json !== null && isFlatInOrder(a, keys)) return json; // JSON.stringify writes the keys in this order
  keys.sort();
  let out = "{";
  for (const k of keys) {
    const v = a[k];
    const t = typeof v;
    if (v !== null && t !== "string" && t !== "boolean" && !(t === "number" && Number.isFinite(v))) return JSON.stringify(a, keys);
    out += `${out.length > 1 ? "," : ""}${JSON.stringify(k)}:${JSON.stringify(v)}`;
  }
  return `${out}}`;
}

const isPlainValue = (v: unknown) => v === null || typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v));

/** Keys already sorted and every value a string, boolean, finite number or null. */
function isFlatInOrder(a: Record<string, unknown>, keys: string[]): boolean {
  for (let i = 0; i < keys.length; i++) if ((i > 0 && keys[i - 1] >= keys[i]) || !isPlainValue(a[keys[i]])) return false;
  return true;
}

// Date#toISOString costs ~1 µs; a record's instants repeat (hours of a month), so they are cached.
const isoCache = new Map<number, string>();
const ISO_CACHE_MAX = 50_000;

/** `d.toISOString()`, memoised. */
export function isoInstant(d: Date): string {
  const ms = d.getTime();
  let s = isoCache.get(ms);
  if (s === undefined) {
    s = d.toISOString();
    if (isoCache.size >= ISO_CACHE_MAX) isoCache.clear();
    isoCache.set(ms, s);
  }
  return s;
}
