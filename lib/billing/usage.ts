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
  const attrs = r.attributes ? JSON.stringify(r.attributes, Object.keys(r.attributes).sort()) : "";
  const quantity = canonicalQuantity ? r.quantity : dec(r.quantity).toFixed();
  return sha256([r.instanceId, r.itemId, quantity, r.startAt.toISOString(), r.endAt.toISOString(), attrs].join("|"));
}
