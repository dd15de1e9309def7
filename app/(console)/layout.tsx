import { SideNav } from "@/components/side-nav";
import { SignOutButton } from "@/components/sign-out-button";
import { AlertsBell } from "@/components/alerts/bell";
import { unreadAlertCount } from "@/lib/data/alerts";
import { getAccount } from "@/lib/data/account";
import { OverdueBanner } from "@/components/overdue/banner";
import { getOverdueBanner } from "@/lib/data/account";
import { formatInstant } from "@/lib/format";
import { formatMoney } from "@/lib/money";
import { pageCaller } from "./page-caller";

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  const caller = await pageCaller();
  const [account, overdue, unread] = await Promise.all([getAccount(caller), getOverdueBanner(caller), unreadAlertCount(caller)]);
  const user = caller.kind === "user" ? caller : null;
  return (
    <div className="flex min-h-screen flex-col">
      <header className="flex h-12 items-center gap-4 bg-[#232f3e] px-4 text-white">
        <a href="/overview" className="font-semibold tracking-tight">
          <span className="text-brand">▲</span> Billing Console
        </a>
        <span className="hidden text-white/40 sm:inline">|</span>
        <span data-testid="account-name" className="truncate font-medium">{account.name}</span>
        <span className="hidden rounded bg-white/10 px-1.5 py-0.5 text-xs sm:inline">{account.currency}</span>
        <div className="ml-auto flex items-center gap-3">
          {user && (
            <span data-testid="user-name" className="hidden text-xs text-white/80 md:inline">
              {user.name} · {user.email} · <span className="uppercase">{user.role}</span>
            </span>
          )}
          <AlertsBell count={unread} />
          <SignOutButton />
        </div>
      </header>
      {/* Overdue banner (issue 6): on every console page while overdue. */}
      {overdue && (
        <OverdueBanner
          amount={formatMoney(overdue.amount, overdue.currency)}
          since={formatInstant(overdue.since, overdue.timeZone)}
          canTopUp={caller.kind !== "user" || caller.role !== "viewer"}
        />
      )}
      <div className="flex flex-1 flex-col md:flex-row">
        <SideNav admin={user?.role === "admin"} />
        <main id="main" className="min-w-0 flex-1 p-4 md:p-6">{children}</main>
      </div>
    </div>
  );
}
