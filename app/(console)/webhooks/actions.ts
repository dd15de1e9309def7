"use server";
// Webhook endpoint actions: lib/data authorizes (admins) and validates.
import { revalidatePath } from "next/cache";
import { getTranslations } from "next-intl/server";
import { redirect } from "next/navigation";
import type { ActionResult, ActionState } from "@/lib/action-result";
import { createWebhookEndpoint, deleteWebhookEndpoint, resendDelivery, updateWebhookEndpoint } from "@/lib/data/webhooks";
import type { CreatedEndpoint } from "@/components/webhooks/create-endpoint-form";
import { runAction } from "../action";
import { pageCaller } from "../page-caller";

export async function createEndpointAction(_prev: ActionState<CreatedEndpoint>, data: FormData): Promise<ActionResult<CreatedEndpoint>> {
  const caller = await pageCaller();
  return runAction(async () => {
    const e = await createWebhookEndpoint(caller, { url: String(data.get("url") ?? ""), description: String(data.get("description") ?? ""), events: data.getAll("events").map(String) });
    return { id: e.id, url: e.url, secret: e.secret };
  }, { revalidate: ["/webhooks"] });
}

const onEndpoint = (id: string, work: () => Promise<unknown>, ok: "resent" | "saved" | "deleted") =>
  runAction(async () => {
    await work();
    return (await getTranslations("webhooks"))(ok);
  }, { revalidate: [`/webhooks/${encodeURIComponent(id)}`] });

export async function resendAction(_prev: ActionState, data: FormData): Promise<ActionResult> {
  const caller = await pageCaller();
  const id = String(data.get("endpointId") ?? "");
  return onEndpoint(id, () => resendDelivery(caller, id, String(data.get("deliveryId") ?? "")), "resent");
}

export async function toggleEndpointAction(_prev: ActionState, data: FormData): Promise<ActionResult> {
  const caller = await pageCaller();
  const id = String(data.get("endpointId") ?? "");
  return onEndpoint(id, () => updateWebhookEndpoint(caller, id, { enabled: data.get("enabled") === "true" }), "saved");
}

export async function deleteEndpointAction(_prev: ActionState, data: FormData): Promise<ActionResult> {
  const caller = await pageCaller();
  const id = String(data.get("endpointId") ?? "");
  const r = await onEndpoint(id, () => deleteWebhookEndpoint(caller, id), "deleted");
  if ("error" in r) return r;
  revalidatePath("/webhooks");
  redirect("/webhooks");
}
