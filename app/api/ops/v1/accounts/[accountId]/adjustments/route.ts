import { opsBody, opsRoute } from "@/lib/api/ops-handler";
import { adjustAccount } from "@/lib/data/operator-adjustments";
import { adjustmentView, operatorAdjustmentViews } from "@/lib/data/operator-views";

type P = { accountId: string };

export const GET = opsRoute<P>(async (_req, { caller, params }) => ({ data: await operatorAdjustmentViews(caller, params.accountId) }));

export const POST = opsRoute<P>(async (req, { caller, params }) => {
  const a = await adjustAccount(caller, params.accountId, await opsBody(req));
  return Response.json({ data: adjustmentView(a, a.inCycle) }, { status: 201 });
});
