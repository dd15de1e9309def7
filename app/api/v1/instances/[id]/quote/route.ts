import { apiRoute } from "@/lib/api/handler";
import { quoteLifecycle } from "@/lib/data/lifecycle";

// What a lifecycle action would charge or refund now: ?action=switch|renew|change-spec|unsubscribe&months=…&spec=…
export const GET = apiRoute<{ id: string }>(async (_req, { caller, params, url }) => ({
  data: await quoteLifecycle(caller, params.id, Object.fromEntries(url.searchParams)),
}));
