import { apiRoute } from "@/lib/api/handler";
import { getOverdueStatus } from "@/lib/data/account";
import { toFixedString } from "@/lib/money";

// Whether the account is overdue, by how much, since when, and per resource what is refused and what happens next.
export const GET = apiRoute(async (_req, { caller }) => {
  const s = await getOverdueStatus(caller);
  return {
    asOf: s.now.toISOString(),
    overdue: s.overdue ? { since: s.overdue.since.toISOString(), amount: toFixedString(s.overdue.amount) } : null,
    outstandingAmount: toFixedString(s.outstanding),
    creditLimit: toFixedString(s.account.creditLimit),
    suspensionQuota: toFixedString(s.suspensionQuota),
    suspensionQuotaFormula: s.quotaFormula,
    paygStoppedSince: s.paygStoppedSince?.toISOString() ?? null,
    resources: s.resources.map((r) => ({
      id: r.id,
      name: r.name,
      productName: r.productName,
      status: r.status,
      statusSince: r.statusSince.toISOString(),
      blocked: r.blocked,
      next: r.next && { status: r.next.to, at: r.next.at.toISOString(), cause: r.next.cause },
    })),
  };
});
