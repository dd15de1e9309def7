import { apiRoute, readJson } from "@/lib/api/handler";
import { wholeList } from "@/lib/data/api-views";
import { BadRequestError } from "@/lib/errors";
import { createAlertRule, listBudgets } from "@/lib/data/alerts";

export const GET = apiRoute(async (_req, { caller }) => wholeList(await listBudgets(caller)));

// Admin or finance: { amount, productId?, actualThresholds?, forecastThresholds?, name? }.
export const POST = apiRoute(async (req, { caller }) => {
  const body = await readJson(req);
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new BadRequestError("The body must be a JSON object.");
  return Response.json({ data: await createAlertRule(caller, { ...body, kind: "budget" }) }, { status: 201 });
});
