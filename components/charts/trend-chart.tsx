"use client";
// Overview: 12-month cost by product, stacked. Values are decimal strings from
// the server; Number() here only positions bars — the tooltip shows the exact
// string, formatted for the locale.
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useFormat } from "@/i18n/format";

const COLORS = ["#ff6a00", "#2563eb", "#16a34a", "#9333ea", "#dc2626", "#0891b2", "#ca8a04", "#4b5563"];

export function TrendChart({ rows, products, currency, label }: {
  rows: Record<string, string>[];
  products: { id: string; name: string }[];
  currency: string;
  label: string;
}) {
  const f = useFormat();
  const data = rows.map((r) => ({ cycle: r.cycle, exact: r, ...Object.fromEntries(products.map((p) => [p.id, Number(r[p.id] ?? 0)])) }));
  const axis = (v: number) => f.count(v);
  return (
    <figure className="h-72 w-full" aria-label={label}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="cycle" tick={{ fontSize: 11 }} />
          <YAxis tick={{ fontSize: 11 }} width={60} tickFormatter={axis} />
          <Tooltip formatter={(_v, name, item) => [f.money((item.payload as { exact: Record<string, string> }).exact[String(name)] ?? "0", currency), products.find((p) => p.id === name)?.name ?? String(name)]} />
          <Legend formatter={(id) => products.find((p) => p.id === id)?.name ?? id} wrapperStyle={{ fontSize: 12 }} />
          {products.map((p, i) => (
            <Bar key={p.id} dataKey={p.id} stackId="cost" fill={COLORS[i % COLORS.length]} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
