import { useTranslations } from "next-intl";

// The header's bell: unread alerts of the signed-in user, linking to the Alerts page.
export function AlertsBell({ count }: { count: number }) {
  const t = useTranslations("alerts");
  return (
    <a href="/alerts" data-testid="alerts-bell" aria-label={count ? t("bellUnread", { count }) : t("bell")} className="relative rounded px-1.5 py-0.5 hover:bg-white/10">
      <svg aria-hidden viewBox="0 0 24 24" className="inline h-4 w-4 fill-none stroke-current" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
        <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
        <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
      </svg>
      {count > 0 && (
        <span data-testid="alerts-unread" className="absolute -right-1 -top-1 min-w-4 rounded-full bg-red-600 px-1 text-center text-[10px] font-bold leading-4">
          {count > 99 ? "99+" : count}
        </span>
      )}
    </a>
  );
}
