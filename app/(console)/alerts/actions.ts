"use server";
// Alerts page actions: lib/data authorizes (admins and finance change rules)
// and validates; a failure comes back to the page as ?error=.
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { createAlertRule, deleteAlertRule, markAlertsRead } from "@/lib/data/alerts";
import { AppError } from "@/lib/errors";
import { pageCaller } from "../page-caller";

async function run(work: () => Promise<unknown>) {
  try {
    await work();
  } catch (e) {
    if (e instanceof AppError) redirect(`/alerts?error=${encodeURIComponent(e.message)}`);
    throw e;
  }
  revalidatePath("/", "layout");
  redirect("/alerts");
}

const percents = (v: FormDataEntryValue | null) =>
  String(v ?? "")
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((p) => (/^\d+$/.test(p) ? Number.parseInt(p, 10) : p));

export async function createRuleAction(data: FormData) {
  const caller = await pageCaller();
  const kind = String(data.get("kind") ?? "");
  const name = String(data.get("name") ?? "").trim() || undefined;
  const input =
    kind === "budget"
      ? { kind, name, amount: String(data.get("amount") ?? ""), productId: String(data.get("productId") ?? "") || null, actualThresholds: percents(data.get("actualThresholds")), forecastThresholds: percents(data.get("forecastThresholds")) }
      : kind === "low_balance"
        ? { kind, name, amount: String(data.get("amount") ?? "") }
        : { kind, name };
  await run(() => createAlertRule(caller, input));
}

export async function deleteRuleAction(data: FormData) {
  const caller = await pageCaller();
  await run(() => deleteAlertRule(caller, String(data.get("id") ?? "")));
}

export async function markReadAction() {
  const caller = await pageCaller();
  await run(() => markAlertsRead(caller));
}
