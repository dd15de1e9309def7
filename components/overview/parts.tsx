// Overview cards (presentational); amounts arrive formatted.
import Link from "next/link";

export function MoneyStat({ label, value, hint, testId, tone }: {
  label: string; value: string; hint?: React.ReactNode; testId?: string; tone?: "danger";
}) {
  return (
    <div className={`min-w-0 rounded-lg border p-4 ${tone === "danger" ? "border-red-200 bg-red-50" : "border-line bg-white"}`}>
      <div className="text-xs text-muted">{label}</div>
      <div data-testid={testId} className={`mt-1 text-lg font-semibold tabular-nums ${tone === "danger" ? "text-red-800" : ""}`}>
        {value}
      </div>
      {hint && <div className="mt-1 text-xs text-muted">{hint}</div>}
    </div>
  );
}

export function ListCard({ title, empty, children, action }: { title: string; empty?: string | false; children: React.ReactNode; action?: { href: string; label: string } }) {
  return (
    <section className="min-w-0 rounded-lg border border-line bg-white p-4" aria-label={title}>
      <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <h2 className="font-semibold">{title}</h2>
        {action && <Link href={action.href} className="text-sm text-brand-dark underline">{action.label}</Link>}
      </div>
      {empty ? <p className="text-sm text-muted">{empty}</p> : children}
    </section>
  );
}
