// The header's bell: unread alerts of the signed-in user, linking to the Alerts page.
export function AlertsBell({ count }: { count: number }) {
  return (
    <a href="/alerts" data-testid="alerts-bell" aria-label={count ? `Alerts: ${count} unread` : "Alerts"} className="relative rounded px-1.5 py-0.5 hover:bg-white/10">
      <span aria-hidden>🔔</span>
      {count > 0 && (
        <span data-testid="alerts-unread" className="absolute -right-1 -top-1 min-w-4 rounded-full bg-red-600 px-1 text-center text-[10px] font-bold leading-4">
          {count > 99 ? "99+" : count}
        </span>
      )}
    </a>
  );
}
