import { useTranslations } from "next-intl";
import { useFormat } from "@/i18n/format";
import { dec } from "@/lib/money";
import { TableFrame, Td, Th } from "@/components/table";
import { Money } from "./parts";
import type { LinePeriod } from "@/lib/data/bill-lines";

// Money and counts are right-aligned; the rest reads left to right.
const COLUMNS = [["colPeriod", false], ["colDue", false], ["colCharged", true], ["colInstances", true], ["colHourlyPrice", true],
  ["colAmount", true], ["colPaid", true], ["colOutstanding", true], ["colWhy", false]] as const;

/** The periods behind a day line: each its own charge, rounded once; the line is their sum. Times on the account's clock. */
export function PeriodsTable({ periods, currency, total, timeZone }: { periods: LinePeriod[]; currency: string; total: string; timeZone: string }) {
  const t = useTranslations("periods");
  const f = useFormat();
  return (
    <div className="px-3 py-2" data-testid="line-periods">
      <p className="mb-2 text-xs text-muted">{t("intro", { total: f.money(total, currency) })}</p>
      <TableFrame label={t("title")} bare>
        <thead>
          <tr>{COLUMNS.map(([h, right]) => <Th key={h} right={right}>{t(h)}</Th>)}</tr>
        </thead>
        <tbody>
          {periods.map((p) => (
            <tr key={p.id} data-testid="period-row">
              <Td>{f.instant(new Date(p.start), timeZone)}–{f.time(new Date(p.end), timeZone)}</Td>
              <Td>{f.time(new Date(p.dueAt), timeZone)}</Td>
              <Td right>{t("hours", { hours: f.quantity(dec(p.chargedSeconds).div(3600).toDecimalPlaces(4)) })}</Td>
              <Td right>{f.count(p.instances)}</Td>
              <Td right>{f.rate(p.unitPrice)}</Td>
              <Td right testId="period-amount"><Money value={p.amount} currency={currency} /></Td>
              <Td right><Money value={p.paymentAmount} currency={currency} /></Td>
              <Td right><Money value={p.outstandingAmount} currency={currency} /></Td>
              <Td className="text-muted">{p.settledAt ? t("reason", { reason: p.reason }) : t("notSettled")}</Td>
            </tr>
          ))}
        </tbody>
      </TableFrame>
    </div>
  );
}
