"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { saveColumnPreference } from "@/lib/data/views/columns";
import { pageCaller } from "../page-caller";

export type ColumnsState = { ok?: true; error?: string } | null;

const form = z.object({ columns: z.array(z.string().max(100)).max(100) });

/** Customize Columns: any role may choose its own columns (lib/data checks the rest). */
export async function saveColumns(_prev: ColumnsState, data: FormData): Promise<ColumnsState> {
  const caller = await pageCaller();
  const parsed = form.safeParse({ columns: data.getAll("columns").map(String) });
  if (!parsed.success) return { error: "Choose columns from the list." };
  try {
    await saveColumnPreference(caller, "bill-details", parsed.data.columns);
  } catch (e) {
    if (e instanceof AppError) return { error: e.message };
    throw e;
  }
  revalidatePath("/bill-details");
  return { ok: true };
}
