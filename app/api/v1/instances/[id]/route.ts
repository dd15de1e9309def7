import { apiRoute } from "@/lib/api/handler";
import { getInstanceDetail } from "@/lib/data/instances";

// One resource of the caller's account; another account's id is simply not found (404).
export const GET = apiRoute<{ id: string }>(async (_req, { caller, params }) => ({ data: await getInstanceDetail(caller, params.id) }));
