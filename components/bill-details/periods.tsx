import { Money } from "./parts";
import type { LinePeriod } from "@/lib/data/bill-lines";

const REASONS: Record<string, string> = { ended: "period ended", released: "released (charged in full)", overdue: "overdue: stopped", switched: "switched: stopped" };

function hm(iso: string): string {
  return iso.slice(11, 16);
}

/** The periods behind a day line: each its own charge, rounded once; the line is their sum. */
export function PeriodsTable({ periods, currency, total }: { periods: LinePeriod[]; currency: string; total: string }) {
  return (
    <div className="px-3 py-2" data-testid="line-periods">
      <p className="mb-2 text-xs text-muted">
        Each 4-hour period is charged hourly price × charged hours × instances, rounded to cents once, and settled when it falls due.
        The line is the sum of its periods: <Money value={total} currency={currency} />.
      </p>
      <table className="text-xs">
        <thead>
          <tr className="text-muted">
            {["Period (UTC)", "Due", "Charged", "Instances", "Hourly price", "Amount", "Paid", "Outstanding", "Why"].map((h) => (
              <th key={h} scope="col" className="px-2 py-1 text-left font-medium">{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {periods.map((p) => (
            <tr key={p.id} data-testid="period-row">
              <td className="px-2 py-1">{p.start.slice(0, 10)} {hm(p.start)}–{hm(p.end)}</td>
              <td className="px-2 py-1">{hm(p.dueAt)}</td>
              <td className="px-2 py-1 tabular-nums">{(p.chargedSeconds / 3600).toFixed(p.chargedSeconds % 3600 ? 4 : 0)} h</td>
              <td className="px-2 py-1 tabular-nums">{p.instances}</td>
              <td className="px-2 py-1 tabular-nums">{p.unitPrice}</td>
              <td className="px-2 py-1" data-testid="period-amount"><Money value={p.amount} currency={currency} /></td>
              <td className="px-2 py-1"><Money value={p.paymentAmount} currency={currency} /></td>
              <td className="px-2 py-1"><Money value={p.outstandingAmount} currency={currency} /></td>
              <td className="px-2 py-1 text-muted">{p.settledAt ? REASONS[p.reason] ?? p.reason : "not settled yet"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
