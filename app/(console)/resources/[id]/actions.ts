"use server";
// Server actions of the resource page's lifecycle panel. Each one authorizes
// through lib/data (admins only, so a forged call from another role gets an
// error and changes nothing), validates there with zod, and carries the form's
// idempotency key so a double click never charges twice.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { cancelUnpaidOrder, payUnpaidOrder, quoteLifecycle, runLifecycleAction, setAutoRenew } from "@/lib/data/lifecycle";
import { requireSessionCaller } from "@/lib/data/session";
import { AppError } from "@/lib/errors";

export type ActionResult<T> = { ok: T } | { error: string };

const id = z.string().min(1).max(200);

async function attempt<T>(work: () => Promise<T>, path?: string): Promise<ActionResult<T>> {
  try {
    const ok = await work();
    if (path) revalidatePath(path);
    return { ok };
  } catch (e) {
    if (e instanceof AppError) return { error: e.message };
    if (e instanceof z.ZodError) return { error: e.issues[0]?.message ?? "Invalid input." };
    throw e;
  }
}

const pathOf = (instanceId: string) => `/resources/${encodeURIComponent(instanceId)}`;

export async function quoteLifecycleAction(instanceId: string, input: Record<string, unknown>) {
  return attempt(async () => quoteLifecycle(await requireSessionCaller(), id.parse(instanceId), input));
}

export async function confirmLifecycleAction(instanceId: string, input: Record<string, unknown>, idempotencyKey: string) {
  return attempt(async () => runLifecycleAction(await requireSessionCaller(), id.parse(instanceId), input, idempotencyKey), pathOf(instanceId));
}

export async function setAutoRenewAction(instanceId: string, input: Record<string, unknown>, idempotencyKey: string) {
  return attempt(async () => setAutoRenew(await requireSessionCaller(), id.parse(instanceId), input, idempotencyKey), pathOf(instanceId));
}

export async function payOrderAction(instanceId: string, orderId: string) {
  return attempt(async () => payUnpaidOrder(await requireSessionCaller(), id.parse(orderId)), pathOf(instanceId));
}

export async function cancelOrderAction(instanceId: string, orderId: string) {
  return attempt(async () => cancelUnpaidOrder(await requireSessionCaller(), id.parse(orderId)), pathOf(instanceId));
}
