"use server";
import { revalidatePath } from "next/cache";
import { getTranslations } from "next-intl/server";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { saveColumnPreference } from "@/lib/data/views/columns";
import { pageCaller } from "../page-caller";
import { userErrorMessage } from "../user-error";

export type ColumnsState = { ok?: true; error?: string } | null;

const form = z.object({ columns: z.array(z.string().max(100)).max(100) });

/** Customize Columns: any role may choose its own columns (lib/data checks the rest). */
export async function saveColumns(_prev: ColumnsState, data: FormData): Promise<ColumnsState> {
  const caller = await pageCaller();
  const t = await getTranslations("columns");
  const parsed = form.safeParse({ columns: data.getAll("columns").map(String) });
  if (!parsed.success) return { error: t("chooseFromList") };
  if (parsed.data.columns.length === 0) return { error: t("chooseOne") };
  try {
    await saveColumnPreference(caller, "bill-details", parsed.data.columns);
  } catch (e) {
    if (e instanceof AppError) return { error: await userErrorMessage(e) };
    throw e;
  }
  revalidatePath("/bill-details");
  return { ok: true };
}
