import { getTranslations } from "next-intl/server";
import { LocaleSwitcher } from "@/components/locale-switcher";
import { SideNav } from "@/components/side-nav";
import { SignOutButton } from "@/components/sign-out-button";
import { AlertsBell } from "@/components/alerts/bell";
import { OverdueBanner } from "@/components/overdue/banner";
import { consoleShell } from "./shell";
import { getFormat } from "@/i18n/server";
import { setLocaleAction } from "../locale-actions";
import { pageCaller } from "./page-caller";

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  const caller = await pageCaller();
  const [{ account, overdue, unread }, t, f] = await Promise.all([consoleShell(caller), getTranslations(), getFormat()]);
  const user = caller.kind === "user" ? caller : null;
  return (
    <div className="flex min-h-screen flex-col">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:text-ink">
        {t("shell.skipToContent")}
      </a>
      <header className="flex min-h-12 flex-wrap items-center gap-x-4 gap-y-2 bg-[#232f3e] px-4 py-2 text-white">
        <a href="/overview" className="font-semibold tracking-tight">
          <span className="text-brand-light" aria-hidden="true">▲</span> {t("app.name")}
        </a>
        <span className="hidden text-white/60 sm:inline" aria-hidden="true">|</span>
        <span data-testid="account-name" className="min-w-0 truncate font-medium">{account.name}</span>
        <span className="hidden rounded bg-white/10 px-1.5 py-0.5 text-xs sm:inline">{account.currency}</span>
        <div className="ml-auto flex flex-wrap items-center gap-3">
          {user && (
            <span data-testid="user-name" className="hidden text-xs text-white/80 md:inline">
              {user.name} · {user.email} · {t(`roles.${user.role}`)}
            </span>
          )}
          <AlertsBell count={unread} />
          <LocaleSwitcher action={setLocaleAction} />
          <SignOutButton />
        </div>
      </header>
      {overdue && (
        <OverdueBanner
          amount={f.money(overdue.amount, overdue.currency)}
          since={f.instant(overdue.since, overdue.timeZone)}
          canTopUp={caller.kind !== "user" || caller.role !== "viewer"}
        />
      )}
      <div className="flex flex-1 flex-col md:flex-row">
        <SideNav admin={user?.role === "admin"} />
        <main id="main" tabIndex={-1} className="min-w-0 flex-1 p-4 md:p-6">{children}</main>
      </div>
    </div>
  );
}
