import { apiRoute } from "@/lib/api/handler";
import { listAlerts } from "@/lib/data/alerts";

// Fired alerts, newest first; `before` is the `next` cursor of the previous page.
export const GET = apiRoute(async (_req, { caller, url }) => listAlerts(caller, Object.fromEntries(url.searchParams)));
