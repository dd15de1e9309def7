import { apiRoute } from "@/lib/api/handler";
import { deleteAlertRule, getAlertRule } from "@/lib/data/alerts";

export const GET = apiRoute<{ id: string }>(async (_req, { caller, params }) => ({ data: await getAlertRule(caller, params.id) }));
export const DELETE = apiRoute<{ id: string }>(async (_req, { caller, params }) => deleteAlertRule(caller, params.id));
