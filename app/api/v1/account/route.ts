import { apiRoute } from "@/lib/api/handler";
import { getAccountSummary } from "@/lib/data/bills";

export const GET = apiRoute(async (_req, { caller }) => getAccountSummary(caller));
