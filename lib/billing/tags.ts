// Cost allocation: which tags and resource group a charge carries
// (docs/tags.md). An instance's assignments form a history (valid_from →
// valid_to); a charge takes the assignment in force at its period's start, so
// re-rating over the same history always gives the same answer.
import { and, asc, eq } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { instanceTagAssignments, type Tags } from "@/db/schema";

export interface Allocation {
  tags: Tags;
  resourceGroup: string | null;
}

export interface Assignment extends Allocation {
  validFrom: Date;
}

export const UNALLOCATED: Allocation = Object.freeze({ tags: Object.freeze({}) as Tags, resourceGroup: null });


/**
 * The assignment in force at `at`: the last one that began at or before it.
 * A charge whose period starts before the first assignment (a resource created
 * mid-day, its first day) takes the first one: an instance is tagged from its
 * creation, so that day is its own.
 */
export function allocationAt(history: readonly Assignment[], at: Date): Allocation {
  if (!history.length) return UNALLOCATED;
  let found = history[0];
  for (const a of history) {
    if (a.validFrom.getTime() <= at.getTime()) found = a;
    else break;
  }
  return { tags: found.tags, resourceGroup: found.resourceGroup };
}

/** Every instance's assignments in the account, oldest first, by instance id. */
export async function loadAllocations(tx: Tx, accountId: string, instanceId?: string): Promise<Map<string, Assignment[]>> {
  const rows = await tx
    .select({
      instanceId: instanceTagAssignments.instanceId,
      tags: instanceTagAssignments.tags,
      resourceGroup: instanceTagAssignments.resourceGroup,
      validFrom: instanceTagAssignments.validFrom,
      validTo: instanceTagAssignments.validTo,
    })
    .from(instanceTagAssignments)
    .where(
      instanceId
        ? and(eq(instanceTagAssignments.accountId, accountId), eq(instanceTagAssignments.instanceId, instanceId))
        : eq(instanceTagAssignments.accountId, accountId),
    )
    .orderBy(asc(instanceTagAssignments.validFrom));
  const out = new Map<string, Assignment[]>();
  for (const r of rows) {
    // Replaced at the instant it began: it was never in force.
    if (r.validTo && r.validTo.getTime() <= r.validFrom.getTime()) continue;
    const list = out.get(r.instanceId) ?? [];
    list.push({ tags: r.tags, resourceGroup: r.resourceGroup, validFrom: r.validFrom });
    out.set(r.instanceId, list);
  }
  return out;
}
