// Shown on every console page while the account is overdue (PRODUCT.md §6).
export function OverdueBanner({ amount, since, canTopUp }: { amount: string; since: string; canTopUp: boolean }) {
  return (
    <div role="alert" data-testid="console-overdue-banner" className="flex flex-wrap items-center gap-x-3 gap-y-1 border-b border-red-200 bg-red-50 px-4 py-2 text-sm text-red-800 md:px-6">
      <b>Your account is overdue.</b>
      <span>
        <span data-testid="overdue-amount">{amount}</span> outstanding since <span data-testid="overdue-since">{since}</span>.
      </span>
      <span>New purchases, upgrades and renewals are refused; some resources are restricted or stopped and will be released.</span>
      <a href="/account#resource-status" className="font-semibold underline">
        {canTopUp ? "Top up to restore service" : "See what is affected"}
      </a>
    </div>
  );
}
