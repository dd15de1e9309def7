"use server";
import { getTranslations } from "next-intl/server";
import { z } from "zod";
import type { ActionResult, ActionState } from "@/lib/action-result";
import { saveColumnPreference } from "@/lib/data/views/columns";
import { runAction } from "../action";
import { pageCaller } from "../page-caller";

const form = z.object({ columns: z.array(z.string().max(100)).max(100) });

/** Customize Columns: any role may choose its own columns (lib/data checks the rest). */
export async function saveColumns(_prev: ActionState<true>, data: FormData): Promise<ActionResult<true>> {
  const caller = await pageCaller();
  const t = await getTranslations("columns");
  const parsed = form.safeParse({ columns: data.getAll("columns").map(String) });
  if (!parsed.success) return { error: t("chooseFromList") };
  if (parsed.data.columns.length === 0) return { error: t("chooseOne") };
  return runAction(async () => {
    await saveColumnPreference(caller, "bill-details", parsed.data.columns);
    return true as const;
  }, { revalidate: ["/bill-details"] });
}
