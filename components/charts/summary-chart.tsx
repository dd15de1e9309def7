"use client";
// Summary by Quantity and Price: pretax amount by the chosen dimension.
// Values arrive as decimal strings; Number() here only positions bars.
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export function SummaryChart({ rows, currency }: { rows: { label: string; pretaxAmount: string }[]; currency: string }) {
  const data = rows.slice(0, 15).map((r) => ({ label: r.label, amount: Number(r.pretaxAmount) }));
  return (
    <figure className="rounded-lg border border-line bg-white p-3" aria-label="Pretax amount by group">
      {/* Horizontal bars: long product names stay readable on a narrow screen. */}
      <div className="w-full" style={{ height: 40 + data.length * 32 }}>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} layout="vertical" margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" horizontal={false} />
            <XAxis type="number" tick={{ fontSize: 11 }} />
            <YAxis type="category" dataKey="label" tick={{ fontSize: 11 }} width={150} interval={0} />
            <Tooltip formatter={(v) => [`${Number(v).toFixed(2)} ${currency}`, "Pretax amount"]} />
            <Bar dataKey="amount" fill="#ff6a00" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="mt-1 text-xs text-muted">Pretax amount payable ({currency}); the table below has the exact figures.</figcaption>
    </figure>
  );
}
