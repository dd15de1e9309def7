"use client";
// Summary by Quantity and Price: pretax amount by the chosen dimension.
// Values arrive as decimal strings; Number() here only positions bars.
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export function SummaryChart({ rows, currency }: { rows: { label: string; pretaxAmount: string }[]; currency: string }) {
  const data = rows.slice(0, 15).map((r) => ({ label: r.label, amount: Number(r.pretaxAmount) }));
  return (
    <figure className="rounded-lg border border-line bg-white p-3" aria-label="Pretax amount by group">
      <div className="h-64 w-full">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} margin={{ top: 8, right: 8, bottom: 8, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="label" tick={{ fontSize: 11 }} interval={0} height={40} />
            <YAxis tick={{ fontSize: 11 }} width={60} />
            <Tooltip formatter={(v) => [`${Number(v).toFixed(2)} ${currency}`, "Pretax amount"]} />
            <Bar dataKey="amount" fill="#ff6a00" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="mt-1 text-xs text-muted">Pretax amount payable ({currency}); the table below has the exact figures.</figcaption>
    </figure>
  );
}
