"use client";
// Summary by Quantity and Price: pretax amount by the chosen dimension.
// Values arrive as decimal strings; Number() here only positions bars — the
// tooltip shows the exact string, formatted for the locale.
import { useTranslations } from "next-intl";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useFormat } from "@/i18n/format";

export function SummaryChart({ rows, currency }: { rows: { label: string; pretaxAmount: string }[]; currency: string }) {
  const t = useTranslations("summary");
  const f = useFormat();
  const data = rows.slice(0, 15).map((r) => ({ label: r.label, exact: r.pretaxAmount, amount: Number(r.pretaxAmount) }));
  return (
    <figure className="rounded-lg border border-line bg-white p-3" aria-label={t("chartLabel")}>
      {/* Horizontal bars: long product names stay readable on a narrow screen. */}
      <div className="w-full" style={{ height: 40 + data.length * 32 }}>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} layout="vertical" margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" horizontal={false} />
            <XAxis type="number" tick={{ fontSize: 11 }} tickFormatter={(v: number) => f.count(v)} />
            <YAxis type="category" dataKey="label" tick={{ fontSize: 11 }} width={120} interval={0} />
            <Tooltip formatter={(_v, _n, item) => [f.money((item.payload as { exact: string }).exact, currency), t("pretaxAmount")]} />
            <Bar dataKey="amount" fill="#c2410c" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="mt-1 text-xs text-muted">{t("chartCaption", { currency })}</figcaption>
    </figure>
  );
}
