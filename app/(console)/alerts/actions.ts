"use server";
// Alerts page actions: lib/data authorizes (admins and finance change rules)
// and validates; each answers { ok } or { error } to its form.
import { revalidatePath } from "next/cache";
import type { FormState } from "@/components/alerts/action-form";
import { createAlertRule, deleteAlertRule, markAlertsRead } from "@/lib/data/alerts";
import { AppError } from "@/lib/errors";
import { pageCaller } from "../page-caller";

async function run(work: () => Promise<unknown>, ok: string): Promise<FormState> {
  try {
    await work();
  } catch (e) {
    if (e instanceof AppError) return { error: e.message };
    throw e;
  }
  revalidatePath("/", "layout");
  return { ok };
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
  return run(() => createAlertRule(caller, input), "Added.");
}

export async function deleteRuleAction(_prev: FormState, data: FormData): Promise<FormState> {
  const caller = await pageCaller();
  return run(() => deleteAlertRule(caller, String(data.get("id") ?? "")), "Deleted.");
}

export async function markReadAction(): Promise<FormState> {
  const caller = await pageCaller();
  return run(() => markAlertsRead(caller), "All read.");
}
