"use server";
import { getTranslations } from "next-intl/server";
import { z } from "zod";
import type { ActionResult, ActionState } from "@/lib/action-result";
import { topUp } from "@/lib/data/top-ups";
import { getAccount } from "@/lib/data/account";
import { getFormat } from "@/i18n/server";
import { runAction } from "../action";
import { pageCaller } from "../page-caller";

const form = z.object({
  amount: z.coerce.string().trim(),
  idempotencyKey: z.coerce.string().trim().min(8).max(120),
});

/** Admins and finance only (lib/data checks the role); a replayed key changes nothing. */
export async function topUpAction(_prev: ActionState, data: FormData): Promise<ActionResult> {
  const caller = await pageCaller();
  const [t, f] = await Promise.all([getTranslations("account"), getFormat()]);
  const parsed = form.safeParse({ amount: data.get("amount"), idempotencyKey: data.get("idempotencyKey") });
  if (!parsed.success) return { error: t("topUpRetry") };
  if (!parsed.data.amount) return { error: t("amountRequired"), field: "amount" };
  const result = await runAction(async () => {
    const [account, r] = await Promise.all([getAccount(caller), topUp(caller, parsed.data)]);
    if (r.replayed) return t("topUpReplayed", { id: r.ledgerEntryId });
    const money = (v: string) => f.money(v, account.currency);
    return t("toppedUp", { amount: money(parsed.data.amount), lines: r.settledLines, settled: money(r.settledAmount), balance: money(r.balance) });
  }, { revalidate: ["/"] });
  return result.field === "amount" ? { error: t("amountInvalid"), field: "amount" } : result;
}
