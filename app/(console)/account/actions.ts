"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { topUp } from "@/lib/data/top-ups";
import { formatMoney } from "@/lib/money";
import { getAccount } from "@/lib/data/account";
import type { TopUpState } from "@/components/account/top-up-form";
import { pageCaller } from "../page-caller";

const form = z.object({
  amount: z.coerce.string().trim().min(1, "Enter an amount."),
  idempotencyKey: z.coerce.string().trim().min(8).max(120),
});

/** Admins and finance only (lib/data checks the role); a replayed key changes nothing. */
export async function topUpAction(_prev: TopUpState, data: FormData): Promise<TopUpState> {
  const caller = await pageCaller();
  const parsed = form.safeParse({ amount: data.get("amount"), idempotencyKey: data.get("idempotencyKey") });
  if (!parsed.success) return { error: parsed.error.issues[0].message };
  try {
    const [account, r] = await Promise.all([getAccount(caller), topUp(caller, parsed.data)]);
    revalidatePath("/", "layout");
    if (r.replayed) return { ok: `This top-up was already applied (${r.ledgerEntryId}).` };
    return {
      ok: `Topped up ${formatMoney(parsed.data.amount, account.currency)}: ${r.settledLines} outstanding line(s) paid (${formatMoney(r.settledAmount, account.currency)}). Balance ${formatMoney(r.balance, account.currency)}.`,
    };
  } catch (e) {
    if (e instanceof AppError) return { error: e.message.replace(/^amount: /, "Amount ") };
    throw e;
  }
}
