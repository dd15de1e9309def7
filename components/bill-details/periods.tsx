import { useTranslations } from "next-intl";
import { useFormat } from "@/i18n/format";
import { dec } from "@/lib/money";
import { Money } from "./parts";
import type { LinePeriod } from "@/lib/data/bill-lines";

const COLUMNS = ["colPeriod", "colDue", "colCharged", "colInstances", "colHourlyPrice", "colAmount", "colPaid", "colOutstanding", "colWhy"] as const;

function hm(iso: string): string {
  return iso.slice(11, 16);
}

/** The periods behind a day line: each its own charge, rounded once; the line is their sum. */
export function PeriodsTable({ periods, currency, total }: { periods: LinePeriod[]; currency: string; total: string }) {
  const t = useTranslations("periods");
  const f = useFormat();
  return (
    <div className="px-3 py-2" data-testid="line-periods">
      <p className="mb-2 text-xs text-muted">{t("intro", { total: f.money(total, currency) })}</p>
      <table className="text-xs">
        <thead>
          <tr className="text-muted">
            {COLUMNS.map((h) => (
              <th key={h} scope="col" className="px-2 py-1 text-left font-medium">{t(h)}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {periods.map((p) => (
            <tr key={p.id} data-testid="period-row">
              <td className="px-2 py-1">{f.day(p.start.slice(0, 10))} {hm(p.start)}–{hm(p.end)}</td>
              <td className="px-2 py-1">{hm(p.dueAt)}</td>
              <td className="px-2 py-1 tabular-nums">{t("hours", { hours: f.quantity(dec(p.chargedSeconds).div(3600).toDecimalPlaces(4)) })}</td>
              <td className="px-2 py-1 tabular-nums">{f.count(p.instances)}</td>
              <td className="px-2 py-1 tabular-nums">{f.rate(p.unitPrice)}</td>
              <td className="px-2 py-1" data-testid="period-amount"><Money value={p.amount} currency={currency} /></td>
              <td className="px-2 py-1"><Money value={p.paymentAmount} currency={currency} /></td>
              <td className="px-2 py-1"><Money value={p.outstandingAmount} currency={currency} /></td>
              <td className="px-2 py-1 text-muted">{p.settledAt ? t("reason", { reason: p.reason }) : t("notSettled")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
