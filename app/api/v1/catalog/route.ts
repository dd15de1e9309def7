import { apiRoute } from "@/lib/api/handler";
import { getCatalogView } from "@/lib/data/catalog";

// Products, billable items, specs, region groups and prices (with effective dates) in the account's currency.
export const GET = apiRoute(async (_req, { caller, url }) => ({ data: await getCatalogView(caller, Object.fromEntries(url.searchParams)) }));
