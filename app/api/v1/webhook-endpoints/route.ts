import { apiRoute, readJson } from "@/lib/api/handler";
import { envelope } from "@/lib/data/alerts";
import { createWebhookEndpoint, listWebhookEndpoints } from "@/lib/data/webhooks";

export const GET = apiRoute(async (_req, { caller }) => envelope(await listWebhookEndpoints(caller)));

// Admin: { url, events, description? }; the response carries the signing secret, once.
export const POST = apiRoute(async (req, { caller }) => Response.json({ data: await createWebhookEndpoint(caller, await readJson(req)) }, { status: 201 }));
