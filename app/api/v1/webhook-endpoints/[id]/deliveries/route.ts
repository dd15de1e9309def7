import { apiRoute } from "@/lib/api/handler";
import { listDeliveries } from "@/lib/data/webhooks";

export const GET = apiRoute<{ id: string }>(async (_req, { caller, params, url }) => listDeliveries(caller, params.id, Object.fromEntries(url.searchParams)));
