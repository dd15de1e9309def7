"use server";
// Server actions of the resource page's lifecycle panel. Each one authorizes
// through lib/data (admins only, so a forged call from another role gets an
// error and changes nothing), validates there with zod, and carries the form's
// idempotency key so a double click never charges twice. The result's message
// is worded here, in the user's language, from the result's fields (lib/data's
// own English message is what the API returns).
import { getTranslations } from "next-intl/server";
import { z } from "zod";
import { cancelUnpaidOrder, payUnpaidOrder, quoteLifecycle, runLifecycleAction, setAutoRenew } from "@/lib/data/lifecycle";
import { getAccount } from "@/lib/data/account";
import { requireSessionCaller } from "@/lib/data/session";
import type { TenantCaller } from "@/lib/data/caller";
import { dec } from "@/lib/money";
import { getFormat } from "@/i18n/server";
import { setInstanceTags } from "@/lib/data/tags";
import { BadRequestError } from "@/lib/errors";
import { runAction } from "../../action";

const id = z.string().min(1).max(200);

const revalidateInstance = (instanceId: string) => ({ revalidate: [`/resources/${encodeURIComponent(instanceId)}`] });

type OrderLike = { orderNo: string; status: string; payableAmount?: string | number };

/** The sentence shown after an action, from what happened (not from lib's English message). */
async function worded<R extends { message?: string | null; paid?: boolean; order?: OrderLike | null }>(
  caller: TenantCaller,
  r: R,
  payable: string | null,
): Promise<R & { message: string }> {
  const [t, f, account] = await Promise.all([getTranslations("lifecycle.done"), getFormat(), getAccount(caller)]);
  const money = (v: string) => f.money(v, account.currency);
  const order = r.order ?? null;
  let message: string;
  if (order?.status === "cancelled") message = t("cancelled", { orderNo: order.orderNo });
  else if (order && r.paid === false) message = t("unpaid", { orderNo: order.orderNo, amount: money(String(order.payableAmount ?? payable ?? "0")) });
  else if (payable === null || dec(payable).isZero()) message = t("nothingToPay");
  else if (dec(payable).lt(0)) message = t("refunded", { amount: money(dec(payable).negated().toFixed(2)) });
  else message = t("paid", { amount: money(dec(payable).toFixed(2)) });
  return { ...r, message };
}

export async function quoteLifecycleAction(instanceId: string, input: Record<string, unknown>) {
  return runAction(async () => quoteLifecycle(await requireSessionCaller(), id.parse(instanceId), input));
}

export async function confirmLifecycleAction(instanceId: string, input: Record<string, unknown>, idempotencyKey: string) {
  return runAction(async () => {
    const caller = await requireSessionCaller();
    const r = await runLifecycleAction(caller, id.parse(instanceId), input, idempotencyKey);
    return worded(caller, r, r.quote?.payableAmount ?? null);
  }, revalidateInstance(instanceId));
}

export async function setAutoRenewAction(instanceId: string, input: Record<string, unknown>, idempotencyKey: string) {
  return runAction(async () => {
    const r = await setAutoRenew(await requireSessionCaller(), id.parse(instanceId), input, idempotencyKey);
    const t = await getTranslations("lifecycle.done");
    return { ...r, message: r.instance.autoRenew ? t("autoRenewOn", { months: r.instance.autoRenewMonths }) : t("autoRenewOff") };
  }, revalidateInstance(instanceId));
}

export async function payOrderAction(instanceId: string, orderId: string) {
  return runAction(async () => {
    const caller = await requireSessionCaller();
    const r = await payUnpaidOrder(caller, id.parse(orderId));
    return worded(caller, r, String(r.order.payableAmount));
  }, revalidateInstance(instanceId));
}

export async function cancelOrderAction(instanceId: string, orderId: string) {
  return runAction(async () => {
    const caller = await requireSessionCaller();
    return worded(caller, await cancelUnpaidOrder(caller, id.parse(orderId)), null);
  }, revalidateInstance(instanceId));
}

/** The tag editor: key/value rows (an empty key drops its row) and the resource group (empty: none). */
export async function saveTagsAction(instanceId: string, _prev: unknown, data: FormData) {
  return runAction(async () => {
    const keys = data.getAll("key").map(String);
    const values = data.getAll("value").map(String);
    const tags: Record<string, string> = {};
    keys.forEach((k, i) => {
      const key = k.trim();
      if (!key) return;
      if (key in tags) throw new BadRequestError(`tags: the key "${key}" appears twice`);
      tags[key] = values[i] ?? "";
    });
    const group = String(data.get("resourceGroup") ?? "").trim();
    await setInstanceTags(await requireSessionCaller(), id.parse(instanceId), { tags, resourceGroup: group || null });
    return true as const;
  }, revalidateInstance(instanceId));
}
