// Small presentational pieces shared by the console pages.
import { useTranslations } from "next-intl";

export function PageHeader({ title, children }: { title: string; children?: React.ReactNode }) {
  return (
    <div className="mb-4 flex flex-wrap items-end justify-between gap-2">
      <h1 className="text-xl font-semibold">{title}</h1>
      {children}
    </div>
  );
}

export function Card({ title, children, className = "" }: { title?: string; children: React.ReactNode; className?: string }) {
  return (
    <section className={`min-w-0 rounded-lg border border-line bg-white p-4 ${className}`}>
      {title && <h2 className="mb-3 font-semibold">{title}</h2>}
      {children}
    </section>
  );
}

export function Stat({ label, value, hint, testId }: { label: string; value: string; hint?: string; testId?: string }) {
  return (
    <div className="rounded-lg border border-line bg-white p-4">
      <div className="text-xs text-muted">{label}</div>
      <div data-testid={testId} className="mt-1 text-lg font-semibold tabular-nums">{value}</div>
      {hint && <div className="mt-1 text-xs text-muted">{hint}</div>}
    </div>
  );
}

const STATUS_STYLES: Record<string, string> = {
  active: "bg-green-50 text-green-800 border-green-200",
  restricted: "bg-amber-50 text-amber-900 border-amber-200",
  overdue: "bg-red-50 text-red-800 border-red-200",
  expired: "bg-gray-100 text-gray-700 border-gray-200",
  released: "bg-gray-100 text-gray-700 border-gray-200",
};
const STATUSES = ["active", "restricted", "overdue", "expired", "released"] as const;
const isStatus = (s: string): s is (typeof STATUSES)[number] => (STATUSES as readonly string[]).includes(s);

export function StatusBadge({ status }: { status: string }) {
  const t = useTranslations("status");
  return (
    <span className={`inline-block whitespace-nowrap rounded border px-1.5 py-0.5 text-xs font-medium ${STATUS_STYLES[status] ?? ""}`}>
      {isStatus(status) ? t(status) : status}
    </span>
  );
}

export function Empty({ children }: { children: React.ReactNode }) {
  return <div className="rounded border border-dashed border-line p-8 text-center text-muted">{children}</div>;
}
