import { apiRoute } from "@/lib/api/handler";
import { getBill } from "@/lib/data/bills";

export const GET = apiRoute<{ id: string }>(async (_req, { caller, params, url }) => getBill(caller, params.id, url.searchParams));
