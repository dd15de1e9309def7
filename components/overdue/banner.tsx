// Shown on every console page while the account is overdue.
import { useTranslations } from "next-intl";

export function OverdueBanner({ amount, since, canTopUp }: { amount: string; since: string; canTopUp: boolean }) {
  const t = useTranslations("overdue");
  return (
    <div role="alert" data-testid="console-overdue-banner" className="flex flex-wrap items-center gap-x-3 gap-y-1 border-b border-red-200 bg-red-50 px-4 py-2 text-sm text-red-800 md:px-6">
      <b>{t("bannerTitle")}</b>
      <span>
        {t.rich("bannerAmount", {
          amount: () => <span data-testid="overdue-amount">{amount}</span>,
          since: () => <span data-testid="overdue-since">{since}</span>,
        })}
      </span>
      <span>{t("bannerRefused")}</span>
      <a href="/account#resource-status" className="font-semibold underline">
        {canTopUp ? t("bannerTopUp") : t("bannerSee")}
      </a>
    </div>
  );
}
