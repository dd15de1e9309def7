"use server";
// Webhook endpoint actions: lib/data authorizes (admins) and validates.
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { createWebhookEndpoint, deleteWebhookEndpoint, resendDelivery, updateWebhookEndpoint } from "@/lib/data/webhooks";
import { AppError } from "@/lib/errors";
import type { CreateEndpointState } from "@/components/webhooks/create-endpoint-form";
import { pageCaller } from "../page-caller";

export async function createEndpointAction(_prev: CreateEndpointState, data: FormData): Promise<CreateEndpointState> {
  const caller = await pageCaller();
  try {
    const e = await createWebhookEndpoint(caller, { url: String(data.get("url") ?? ""), description: String(data.get("description") ?? ""), events: data.getAll("events").map(String) });
    revalidatePath("/webhooks");
    return { ok: { id: e.id, url: e.url, secret: e.secret } };
  } catch (e) {
    if (e instanceof AppError) return { error: e.message };
    throw e;
  }
}

async function onEndpoint(id: string, work: () => Promise<unknown>) {
  const path = `/webhooks/${encodeURIComponent(id)}`;
  try {
    await work();
  } catch (e) {
    if (e instanceof AppError) redirect(`${path}?error=${encodeURIComponent(e.message)}`);
    throw e;
  }
  revalidatePath(path);
}

export async function resendAction(data: FormData) {
  const caller = await pageCaller();
  const id = String(data.get("endpointId") ?? "");
  await onEndpoint(id, () => resendDelivery(caller, id, String(data.get("deliveryId") ?? "")));
}

export async function toggleEndpointAction(data: FormData) {
  const caller = await pageCaller();
  const id = String(data.get("endpointId") ?? "");
  await onEndpoint(id, () => updateWebhookEndpoint(caller, id, { enabled: data.get("enabled") === "true" }));
}

export async function deleteEndpointAction(data: FormData) {
  const caller = await pageCaller();
  const id = String(data.get("endpointId") ?? "");
  await onEndpoint(id, () => deleteWebhookEndpoint(caller, id));
  redirect("/webhooks");
}
