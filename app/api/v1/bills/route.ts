import { apiRoute } from "@/lib/api/handler";
import { listBills } from "@/lib/data/bills";

export const GET = apiRoute(async (_req, { caller, url }) => listBills(caller, url.searchParams));
