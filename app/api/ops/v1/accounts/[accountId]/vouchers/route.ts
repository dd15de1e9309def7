import { opsBody, opsRoute } from "@/lib/api/ops-handler";
import { issueVoucher } from "@/lib/data/operator-money";
import { voucherView } from "@/lib/data/operator-views";

export const POST = opsRoute<{ accountId: string }>(async (req, { caller, params }) =>
  Response.json({ data: voucherView(await issueVoucher(caller, params.accountId, await opsBody(req))) }, { status: 201 }),
);
