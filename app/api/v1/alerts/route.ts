import { apiRoute } from "@/lib/api/handler";
import { listAlerts } from "@/lib/data/alerts";

// Fired alerts, newest first; pass the previous page's nextToken for the next one.
export const GET = apiRoute(async (_req, { caller, url }) => listAlerts(caller, Object.fromEntries(url.searchParams)));
