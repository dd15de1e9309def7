"use server";
// Alerts page actions: lib/data authorizes (admins and finance change rules)
// and validates; each answers { ok } or { error } to its form.
import { revalidatePath } from "next/cache";
import { getTranslations } from "next-intl/server";
import type { FormState } from "@/components/alerts/action-form";
import { createAlertRule, deleteAlertRule, markAlertsRead } from "@/lib/data/alerts";
import { AppError } from "@/lib/errors";
import { pageCaller } from "../page-caller";
import { userErrorMessage } from "../user-error";

async function run(work: () => Promise<unknown>, ok: "added" | "deleted" | "allRead"): Promise<FormState> {
  try {
    await work();
  } catch (e) {
    if (e instanceof AppError) return { error: await userErrorMessage(e) };
    throw e;
  }
  revalidatePath("/", "layout");
  return { ok: (await getTranslations("alerts"))(ok) };
}

const percents = (v: FormDataEntryValue | null) =>
  String(v ?? "")
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((p) => (/^\d+$/.test(p) ? Number.parseInt(p, 10) : p));

export async function createRuleAction(_prev: FormState, data: FormData): Promise<FormState> {
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

export async function deleteRuleAction(_prev: FormState, data: FormData): Promise<FormState> {
  const caller = await pageCaller();
  return run(() => deleteAlertRule(caller, String(data.get("id") ?? "")), "deleted");
}

export async function markReadAction(): Promise<FormState> {
  const caller = await pageCaller();
  return run(() => markAlertsRead(caller), "allRead");
}
