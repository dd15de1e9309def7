import { apiRoute, readJson } from "@/lib/api/handler";
import { wholeList } from "@/lib/data/api-views";
import { createAlertRule, listAlertRules } from "@/lib/data/alerts";

export const GET = apiRoute(async (_req, { caller, url }) => wholeList(await listAlertRules(caller, { kind: url.searchParams.get("kind") ?? undefined })));

// Admin or finance: low_balance { amount }, overdue {}, or budget (also at /api/v1/budgets).
export const POST = apiRoute(async (req, { caller }) => Response.json({ data: await createAlertRule(caller, await readJson(req)) }, { status: 201 }));
