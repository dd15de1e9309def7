import { opsBody, opsRoute } from "@/lib/api/ops-handler";
import { revokeVoucher } from "@/lib/data/operator-money";
import { voucherView } from "@/lib/data/operator-views";

export const POST = opsRoute<{ accountId: string; voucherId: string }>(async (req, { caller, params }) => ({
  data: voucherView(await revokeVoucher(caller, params.accountId, params.voucherId, await opsBody(req))),
}));
