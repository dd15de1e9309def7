import { apiRoute } from "@/lib/api/handler";
import { NotFoundError } from "@/lib/errors";
import { deleteAlertRule, getAlertRule } from "@/lib/data/alerts";

async function budget(caller: Parameters<typeof getAlertRule>[0], id: string) {
  const rule = await getAlertRule(caller, id);
  if (rule.kind !== "budget") throw new NotFoundError(`Budget ${id} not found.`);
  return rule;
}

export const GET = apiRoute<{ id: string }>(async (_req, { caller, params }) => ({ data: await budget(caller, params.id) }));
export const DELETE = apiRoute<{ id: string }>(async (_req, { caller, params }) => {
  await budget(caller, params.id);
  return deleteAlertRule(caller, params.id);
});
