import { opsBody, opsRoute } from "@/lib/api/ops-handler";
import { issueCoupon } from "@/lib/data/operator-money";
import { couponView } from "@/lib/data/operator-views";

export const POST = opsRoute<{ accountId: string }>(async (req, { caller, params }) =>
  Response.json({ data: couponView(await issueCoupon(caller, params.accountId, await opsBody(req))) }, { status: 201 }),
);
