import { opsBody, opsRoute } from "@/lib/api/ops-handler";
import { updateAccountTerms } from "@/lib/data/operator-money";
import { operatorAccountView } from "@/lib/data/operator-views";
import { toFixedString } from "@/lib/money";

type P = { accountId: string };

export const GET = opsRoute<P>(async (_req, { caller, params }) => ({ data: await operatorAccountView(caller, params.accountId) }));

export const PATCH = opsRoute<P>(async (req, { caller, params }) => {
  const a = await updateAccountTerms(caller, params.accountId, await opsBody(req));
  return { data: { accountId: a.id, currency: a.currency, creditLimit: toFixedString(a.creditLimit) } };
});
