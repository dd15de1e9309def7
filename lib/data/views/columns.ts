import "server-only";
// Customize Columns: one saved choice per (account, user, view).
import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "@/db/client";
import { columnPreferences } from "@/db/schema";
import { BadRequestError } from "@/lib/errors";
import { DETAIL_COLUMN_KEYS } from "@/lib/exports/columns";
import { tenantOf, type Caller } from "../caller";

export const COLUMN_VIEWS = ["bill-details"] as const;
export type ColumnView = (typeof COLUMN_VIEWS)[number];

const columnsSchema = z
  .array(z.enum(DETAIL_COLUMN_KEYS as [string, ...string[]], { error: "is not a known column" }))
  .min(1, "choose at least one column")
  .max(DETAIL_COLUMN_KEYS.length);

/** The caller's saved columns, or null (API keys and operators have none). */
export async function getColumnPreference(caller: Caller, view: ColumnView): Promise<string[] | null> {
  if (caller.kind !== "user") return null;
  const db = await getDb();
  const [row] = await db
    .select({ columns: columnPreferences.columns })
    .from(columnPreferences)
    .where(and(eq(columnPreferences.accountId, tenantOf(caller)), eq(columnPreferences.userId, caller.userId), eq(columnPreferences.view, view)));
  return row?.columns ?? null;
}

/** Any role may choose what it sees: this changes no money and no one else's view. */
export async function saveColumnPreference(caller: Caller, view: ColumnView, columns: unknown): Promise<string[]> {
  if (caller.kind !== "user") throw new BadRequestError("Column choices are saved per signed-in user.");
  const parsed = columnsSchema.safeParse(columns);
  if (!parsed.success) throw new BadRequestError(`columns: ${parsed.error.issues[0].message}.`);
  const unique = [...new Set(parsed.data)];
  const db = await getDb();
  await db
    .insert(columnPreferences)
    .values({ accountId: tenantOf(caller), userId: caller.userId, view, columns: unique })
    .onConflictDoUpdate({
      target: [columnPreferences.accountId, columnPreferences.userId, columnPreferences.view],
      // excluded.*: Citus runs the update on a shard, where only immutable expressions may be evaluated.
      set: { columns: sql`excluded.columns`, updatedAt: sql`excluded.updated_at` },
    });
  return unique;
}
