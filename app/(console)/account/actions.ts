"use server";
import { revalidatePath } from "next/cache";
import { getTranslations } from "next-intl/server";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { topUp } from "@/lib/data/top-ups";
import { getAccount } from "@/lib/data/account";
import type { TopUpState } from "@/components/account/top-up-form";
import { getFormat } from "@/i18n/server";
import { pageCaller } from "../page-caller";
import { badField, userErrorMessage } from "../user-error";

const form = z.object({
  amount: z.coerce.string().trim(),
  idempotencyKey: z.coerce.string().trim().min(8).max(120),
});

/** Admins and finance only (lib/data checks the role); a replayed key changes nothing. */
export async function topUpAction(_prev: TopUpState, data: FormData): Promise<TopUpState> {
  const caller = await pageCaller();
  const [t, f] = await Promise.all([getTranslations("account"), getFormat()]);
  const parsed = form.safeParse({ amount: data.get("amount"), idempotencyKey: data.get("idempotencyKey") });
  if (!parsed.success) return { error: t("topUpRetry") };
  if (!parsed.data.amount) return { error: t("amountRequired") };
  try {
    const [account, r] = await Promise.all([getAccount(caller), topUp(caller, parsed.data)]);
    revalidatePath("/", "layout");
    if (r.replayed) return { ok: t("topUpReplayed", { id: r.ledgerEntryId }) };
    const money = (v: string) => f.money(v, account.currency);
    return {
      ok: t("toppedUp", { amount: money(parsed.data.amount), lines: r.settledLines, settled: money(r.settledAmount), balance: money(r.balance) }),
    };
  } catch (e) {
    if (e instanceof AppError) return { error: badField(e) === "amount" ? t("amountInvalid") : await userErrorMessage(e) };
    throw e;
  }
}
