import { apiRoute, readJson } from "@/lib/api/handler";
import { deleteWebhookEndpoint, getWebhookEndpoint, updateWebhookEndpoint } from "@/lib/data/webhooks";

export const GET = apiRoute<{ id: string }>(async (_req, { caller, params }) => ({ data: await getWebhookEndpoint(caller, params.id) }));
export const PATCH = apiRoute<{ id: string }>(async (req, { caller, params }) => ({ data: await updateWebhookEndpoint(caller, params.id, await readJson(req)) }));
export const DELETE = apiRoute<{ id: string }>(async (_req, { caller, params }) => deleteWebhookEndpoint(caller, params.id));
