"use server";
// Alerts page actions: lib/data authorizes (admins and finance change rules)
// and validates; each answers an ActionResult to its form.
import { getTranslations } from "next-intl/server";
import type { ActionResult, ActionState } from "@/lib/action-result";
import { createAlertRule, deleteAlertRule, markAlertsRead } from "@/lib/data/alerts";
import { runAction } from "../action";
import { pageCaller } from "../page-caller";

// Alert counts show in the layout's navigation: revalidate all of it.
const run = (work: () => Promise<unknown>, ok: "added" | "deleted" | "allRead") =>
  runAction(async () => {
    await work();
    return (await getTranslations("alerts"))(ok);
  }, { revalidate: ["/"] });

const percents = (v: FormDataEntryValue | null) =>
  String(v ?? "")
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((p) => (/^\d+$/.test(p) ? Number.parseInt(p, 10) : p));

export async function createRuleAction(_prev: ActionState, data: FormData): Promise<ActionResult> {
  const caller = await pageCaller();
  const kind = String(data.get("kind") ?? "");
  const name = String(data.get("name") ?? "").trim() || undefined;
  const input =
    kind === "budget"
      ? { kind, name, amount: String(data.get("amount") ?? ""), productId: String(data.get("productId") ?? "") || null, actualThresholds: percents(data.get("actualThresholds")), forecastThresholds: percents(data.get("forecastThresholds")) }
      : kind === "low_balance"
        ? { kind, name, amount: String(data.get("amount") ?? "") }
        : { kind, name };
  return run(() => createAlertRule(caller, input), "added");
}

export async function deleteRuleAction(_prev: ActionState, data: FormData): Promise<ActionResult> {
  const caller = await pageCaller();
  return run(() => deleteAlertRule(caller, String(data.get("id") ?? "")), "deleted");
}

export async function markReadAction(): Promise<ActionResult> {
  const caller = await pageCaller();
  return run(() => markAlertsRead(caller), "allRead");
}
