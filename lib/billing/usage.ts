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

export function usageContentHash(r: Omit<UsageRow, "accountId" | "id">): string {
  const attrs = r.attributes ? JSON.stringify(r.attributes, Object.keys(r.attributes).sort()) : "";
  return sha256([r.instanceId, r.itemId, dec(r.quantity).toFixed(), r.startAt.toISOString(), r.endAt.toISOString(), attrs].join("|"));
}
