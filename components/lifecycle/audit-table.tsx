// Audit entries: when, who, what, on what, from → to, amounts.
import { useTranslations } from "next-intl";
import { Empty } from "@/components/ui";
import { TableFrame, Td, Th } from "@/components/table";
import { useFormat } from "@/i18n/format";

export interface AuditRow {
  id: string;
  at: Date;
  actor: string;
  action: string;
  targetType: string;
  targetId: string;
  fromState: string | null;
  toState: string | null;
  amounts: Record<string, string> | null;
  details: Record<string, unknown> | null;
}

export function AuditTable({ entries, timeZone, currency }: { entries: AuditRow[]; timeZone: string; currency: string }) {
  const t = useTranslations("audit");
  const f = useFormat();
  if (!entries.length) return <Empty>{t("empty")}</Empty>;
  const amount = (k: string) => (k === "payable" || k === "paid" || k === "refund" ? t(`amount.${k}`) : k);
  return (
    <TableFrame label={t("title")} testId="audit-table" bare>
      <thead>
        <tr>
          <Th>{t("when")}</Th><Th>{t("who")}</Th><Th>{t("action")}</Th><Th>{t("target")}</Th><Th>{t("from")}</Th><Th>{t("to")}</Th><Th>{t("amounts")}</Th><Th>{t("order")}</Th>
        </tr>
      </thead>
      <tbody>
        {entries.map((e) => (
          <tr key={e.id} data-testid="audit-row">
            <Td>{f.instant(e.at, timeZone)}</Td>
            <Td>{e.actor}</Td>
            <Td className="font-medium">{e.action.replaceAll("_", " ")}</Td>
            <Td className="font-mono">{e.targetId}</Td>
            <Td>{e.fromState ?? "—"}</Td>
            <Td>{e.toState ?? "—"}</Td>
            <Td className="tabular-nums">{e.amounts ? Object.entries(e.amounts).map(([k, v]) => `${amount(k)} ${f.money(v, currency)}`).join(", ") : "—"}</Td>
            <Td className="font-mono">{typeof e.details?.orderNo === "string" ? e.details.orderNo : "—"}</Td>
          </tr>
        ))}
      </tbody>
    </TableFrame>
  );
}
