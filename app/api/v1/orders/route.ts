import { apiRoute } from "@/lib/api/handler";
import { listOrders } from "@/lib/data/lifecycle";

// The account's orders, newest first: ?instanceId=…&status=unpaid|paid|cancelled&limit=…&nextToken=…
export const GET = apiRoute(async (_req, { caller, url }) => listOrders(caller, Object.fromEntries(url.searchParams)));
