import { apiRoute } from "@/lib/api/handler";
import { listBillLines } from "@/lib/data/bill-lines";

// Any role may read; lib/data scopes everything to the caller's account.
export const GET = apiRoute(async (_req, { caller, url }) => listBillLines(caller, url.searchParams));
