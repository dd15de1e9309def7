// Presentational pieces of the Bill Details tabs (server components: no state).
import Link from "next/link";
import { useTranslations } from "next-intl";
import { useFormat } from "@/i18n/format";
import { MultiSelectField, SelectField } from "./choice-fields";

export { TableFrame, Td, Th } from "@/components/table";

/** URL parameters of a tab; a multi-select filter repeats its parameter. */
export type Params = Record<string, string | string[] | undefined>;

/** The first value of a parameter (single-value filters). */
export const one = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);
/** Every value of a parameter (multi-select filters; a comma list counts too). */
export const many = (v: string | string[] | undefined): string[] =>
  (Array.isArray(v) ? v : v ? [v] : []).flatMap((s) => s.split(",")).map((s) => s.trim()).filter(Boolean);

/** A URL of the page with some parameters changed (undefined removes one). */
export function hrefWith(base: string, params: Params, changes: Params): string {
  const out = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...params, ...changes })) {
    for (const value of Array.isArray(v) ? v : [v]) if (value !== undefined && value !== "") out.append(k, value);
  }
  const qs = out.toString();
  return qs ? `${base}?${qs}` : base;
}

export function Money({ value, currency, strong = false }: { value: string | null | undefined; currency: string; strong?: boolean }) {
  const f = useFormat();
  if (value === null || value === undefined) return <span className="text-muted">—</span>;
  const negative = value.startsWith("-");
  return <span className={`tabular-nums ${negative ? "text-green-800" : ""} ${strong ? "font-semibold" : ""}`}>{f.money(value, currency)}</span>;
}

export function Toolbar({ children }: { children: React.ReactNode }) {
  return <div className="mb-3 flex flex-wrap items-center justify-between gap-2">{children}</div>;
}

export function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <label className="flex min-w-0 flex-col gap-1 text-xs text-muted">
      {label}
      {children}
    </label>
  );
}

export { inputClass } from "./styles";

export function Select({ name, value, options, label, allLabel }: {
  name: string; value: string | string[] | undefined; label: string; allLabel?: string; options: readonly (readonly [string, string])[];
}) {
  return <SelectField name={name} label={label} value={one(value) ?? ""} options={options} allLabel={allLabel} />;
}

/** Several values of one filter (see MultiSelectField); the summary is worded here, on the server. */
export function MultiSelect({ name, value, options, label, allLabel }: {
  name: string; value: string | string[] | undefined; label: string; allLabel: string; options: readonly (readonly [string, string])[];
}) {
  const t = useTranslations("filters");
  const chosen = many(value);
  const summary = chosen.length === 0 ? allLabel : chosen.length === 1 ? (options.find(([v]) => v === chosen[0])?.[1] ?? chosen[0]) : t("selected", { count: chosen.length });
  return <MultiSelectField name={name} label={label} summary={summary} chosen={chosen} options={options} />;
}

/** A GET form: its fields become the URL, so every filter is shareable and the back button works. */
export function FilterForm({ tab, children, keep = {} }: { tab: string; children: React.ReactNode; keep?: Record<string, string | undefined> }) {
  const t = useTranslations("filters");
  return (
    <form method="get" action="/bill-details" className="mb-4 flex flex-wrap items-end gap-3 rounded-lg border border-line bg-white p-3" aria-label={t("label")}>
      <input type="hidden" name="tab" value={tab} />
      {Object.entries(keep).map(([k, v]) => (v ? <input key={k} type="hidden" name={k} value={v} /> : null))}
      {children}
      <button type="submit" className="rounded bg-brand px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-dark">{t("apply")}</button>
      <Link href={`/bill-details?tab=${tab}`} className="px-2 py-1.5 text-sm text-muted underline">{t("reset")}</Link>
    </form>
  );
}

export function ExportLink({ href, children }: { href: string; children?: React.ReactNode }) {
  const t = useTranslations("filters");
  return (
    <a href={href} download className="rounded border border-line bg-white px-3 py-1.5 text-sm font-medium hover:border-brand">
      <span aria-hidden="true">↓</span> {children ?? t("exportCsv")}
    </a>
  );
}

export function Pager({ shown, total, first, next, from }: { shown: number; total: number; first?: string; next?: string | null; from: number }) {
  const t = useTranslations("pager");
  const f = useFormat();
  return (
    <nav aria-label={t("label")} className="mt-3 flex flex-wrap items-center gap-3 text-sm">
      <span data-testid="row-range" className="text-muted">
        {total === 0 ? t("noRows") : t("range", { from: f.count(from), to: f.count(from + shown - 1), total: f.count(total) })}
      </span>
      {first && <Link href={first} className="underline">{t("first")}</Link>}
      {next && <Link href={next} className="underline">{t("next")}</Link>}
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
  const t = useTranslations("common");
  return (
    <div aria-busy="true" aria-label={t("loading")} role="status" className="animate-pulse space-y-2 rounded-lg border border-line bg-white p-4">
      {Array.from({ length: rows }, (_, i) => <div key={i} className="h-5 rounded bg-gray-100" />)}
    </div>
  );
}
