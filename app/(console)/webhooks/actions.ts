"use server";
// Webhook endpoint actions: lib/data authorizes (admins) and validates.
import { revalidatePath } from "next/cache";
import { getTranslations } from "next-intl/server";
import { redirect } from "next/navigation";
import { createWebhookEndpoint, deleteWebhookEndpoint, resendDelivery, updateWebhookEndpoint } from "@/lib/data/webhooks";
import { AppError } from "@/lib/errors";
import type { CreateEndpointState } from "@/components/webhooks/create-endpoint-form";
import type { FormState } from "@/components/alerts/action-form";
import { pageCaller } from "../page-caller";
import { userErrorMessage } from "../user-error";

export async function createEndpointAction(_prev: CreateEndpointState, data: FormData): Promise<CreateEndpointState> {
  const caller = await pageCaller();
  try {
    const e = await createWebhookEndpoint(caller, { url: String(data.get("url") ?? ""), description: String(data.get("description") ?? ""), events: data.getAll("events").map(String) });
    revalidatePath("/webhooks");
    return { ok: { id: e.id, url: e.url, secret: e.secret } };
  } catch (e) {
    if (e instanceof AppError) return { error: await userErrorMessage(e) };
    throw e;
  }
}

async function onEndpoint(id: string, work: () => Promise<unknown>, ok: "resent" | "saved" | "deleted"): Promise<FormState> {
  try {
    await work();
  } catch (e) {
    if (e instanceof AppError) return { error: await userErrorMessage(e) };
    throw e;
  }
  revalidatePath(`/webhooks/${encodeURIComponent(id)}`);
  return { ok: (await getTranslations("webhooks"))(ok) };
}

export async function resendAction(_prev: FormState, data: FormData): Promise<FormState> {
  const caller = await pageCaller();
  const id = String(data.get("endpointId") ?? "");
  return onEndpoint(id, () => resendDelivery(caller, id, String(data.get("deliveryId") ?? "")), "resent");
}

export async function toggleEndpointAction(_prev: FormState, data: FormData): Promise<FormState> {
  const caller = await pageCaller();
  const id = String(data.get("endpointId") ?? "");
  return onEndpoint(id, () => updateWebhookEndpoint(caller, id, { enabled: data.get("enabled") === "true" }), "saved");
}

export async function deleteEndpointAction(_prev: FormState, data: FormData): Promise<FormState> {
  const caller = await pageCaller();
  const id = String(data.get("endpointId") ?? "");
  const r = await onEndpoint(id, () => deleteWebhookEndpoint(caller, id), "deleted");
  if (r?.error) return r;
  revalidatePath("/webhooks");
  redirect("/webhooks");
}
