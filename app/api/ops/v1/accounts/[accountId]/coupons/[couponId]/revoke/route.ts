import { opsBody, opsRoute } from "@/lib/api/ops-handler";
import { revokeCoupon } from "@/lib/data/operator-money";
import { couponView } from "@/lib/data/operator-views";

export const POST = opsRoute<{ accountId: string; couponId: string }>(async (req, { caller, params }) => ({
  data: couponView(await revokeCoupon(caller, params.accountId, params.couponId, await opsBody(req))),
}));
