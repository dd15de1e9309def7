import { apiRoute, readJson } from "@/lib/api/handler";
import { wholeList } from "@/lib/data/api-views";
import { createWebhookEndpoint, listWebhookEndpoints } from "@/lib/data/webhooks";

export const GET = apiRoute(async (_req, { caller }) => wholeList(await listWebhookEndpoints(caller)));

// Admin: { url, events, description? }; the response carries the signing secret, once.
export const POST = apiRoute(async (req, { caller }) => Response.json({ data: await createWebhookEndpoint(caller, await readJson(req)) }, { status: 201 }));
