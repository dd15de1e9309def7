// Presentational pieces of the Bill Details tabs (server components: no state).
import Link from "next/link";
import { formatMoney } from "@/lib/money";

export type Params = Record<string, string | undefined>;

/** A URL of the page with some parameters changed (undefined removes one). */
export function hrefWith(base: string, params: Params, changes: Params): string {
  const out = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...params, ...changes })) if (v !== undefined && v !== "") out.set(k, v);
  const qs = out.toString();
  return qs ? `${base}?${qs}` : base;
}

export function Money({ value, currency, strong = false }: { value: string | null | undefined; currency: string; strong?: boolean }) {
  if (value === null || value === undefined) return <span className="text-muted">—</span>;
  const negative = value.startsWith("-");
  return <span className={`tabular-nums ${negative ? "text-green-700" : ""} ${strong ? "font-semibold" : ""}`}>{formatMoney(value, currency)}</span>;
}

export function Th({ children, right = false }: { children: React.ReactNode; right?: boolean }) {
  return <th scope="col" className={`whitespace-nowrap border-b border-line bg-surface px-3 py-2 font-medium text-muted ${right ? "text-right" : "text-left"}`}>{children}</th>;
}

export function Td({ children, right = false, className = "" }: { children: React.ReactNode; right?: boolean; className?: string }) {
  return <td className={`whitespace-nowrap border-b border-line px-3 py-2 ${right ? "text-right tabular-nums" : ""} ${className}`}>{children}</td>;
}

/** Tables scroll sideways inside their card on narrow screens instead of the page. */
export function TableFrame({ children, label, testId }: { children: React.ReactNode; label: string; testId?: string }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-line bg-white" role="region" aria-label={label} tabIndex={0}>
      <table className="min-w-full text-sm" data-testid={testId}>{children}</table>
    </div>
  );
}

export function Toolbar({ children }: { children: React.ReactNode }) {
  return <div className="mb-3 flex flex-wrap items-center justify-between gap-2">{children}</div>;
}

export function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <label className="flex flex-col gap-1 text-xs text-muted">
      {label}
      {children}
    </label>
  );
}

export const inputClass = "rounded border border-line bg-white px-2 py-1.5 text-sm text-ink min-w-0";

export function Select({ name, value, options, label, allLabel }: {
  name: string; value: string | undefined; label: string; allLabel?: string; options: readonly (readonly [string, string])[];
}) {
  return (
    <Field label={label}>
      <select name={name} defaultValue={value ?? ""} className={inputClass}>
        {allLabel !== undefined && <option value="">{allLabel}</option>}
        {options.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
      </select>
    </Field>
  );
}

/** A GET form: its fields become the URL, so every filter is shareable and the back button works. */
export function FilterForm({ tab, children, keep = {} }: { tab: string; children: React.ReactNode; keep?: Params }) {
  return (
    <form method="get" action="/bill-details" className="mb-4 flex flex-wrap items-end gap-3 rounded-lg border border-line bg-white p-3" aria-label="Filters">
      <input type="hidden" name="tab" value={tab} />
      {Object.entries(keep).map(([k, v]) => (v ? <input key={k} type="hidden" name={k} value={v} /> : null))}
      {children}
      <button type="submit" className="rounded bg-brand px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-dark">Apply</button>
      <Link href={`/bill-details?tab=${tab}`} className="px-2 py-1.5 text-sm text-muted underline">Reset</Link>
    </form>
  );
}

export function ExportLink({ href, children = "Export CSV" }: { href: string; children?: React.ReactNode }) {
  return (
    <a href={href} download className="rounded border border-line bg-white px-3 py-1.5 text-sm font-medium hover:border-brand">
      <span aria-hidden="true">↓</span> {children}
    </a>
  );
}

export function Pager({ shown, total, first, next, from }: { shown: number; total: number; first?: string; next?: string | null; from: number }) {
  return (
    <nav aria-label="Pages" className="mt-3 flex flex-wrap items-center gap-3 text-sm">
      <span data-testid="row-range" className="text-muted">
        {total === 0 ? "No rows" : `Rows ${from}–${from + shown - 1} of ${total.toLocaleString("en-US")}`}
      </span>
      {first && <Link href={first} className="underline">First page</Link>}
      {next && <Link href={next} className="underline">Next page</Link>}
    </nav>
  );
}

/** Keyset pages (`nextToken`), numbered by `p` in the URL for the row range. */
export function TokenPager({ base, params, pageNo, pageSize, shown, total, nextToken }: {
  base: string; params: Params; pageNo: number; pageSize: number; shown: number; total: number; nextToken: string | null;
}) {
  return (
    <Pager shown={shown} total={total} from={(pageNo - 1) * pageSize + 1}
      first={pageNo > 1 ? hrefWith(base, params, { nextToken: undefined, p: undefined }) : undefined}
      next={nextToken ? hrefWith(base, params, { nextToken, p: String(pageNo + 1) }) : null} />
  );
}

export function Notice({ kind, children }: { kind: "error" | "empty"; children: React.ReactNode }) {
  return kind === "error" ? (
    <div role="alert" className="rounded-lg border border-red-200 bg-red-50 p-4 text-red-800">{children}</div>
  ) : (
    <div className="rounded-lg border border-dashed border-line bg-white p-8 text-center text-muted">{children}</div>
  );
}

export function TableSkeleton({ rows = 6 }: { rows?: number }) {
  return (
    <div aria-busy="true" aria-label="Loading" className="animate-pulse space-y-2 rounded-lg border border-line bg-white p-4">
      {Array.from({ length: rows }, (_, i) => <div key={i} className="h-5 rounded bg-gray-100" />)}
    </div>
  );
}
