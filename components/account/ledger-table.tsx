// The ledger as a table; amounts and times arrive formatted.
import { useTranslations } from "next-intl";
import { TableFrame, Td, Th } from "@/components/table";

export interface LedgerRow {
  id: string;
  at: string;
  type: string;
  amount: string;
  memo: string;
  reference: string;
}

const TYPES = ["top_up", "deduction", "refund", "adjustment"] as const;
const isType = (s: string): s is (typeof TYPES)[number] => (TYPES as readonly string[]).includes(s);

export function LedgerTable({ rows }: { rows: LedgerRow[] }) {
  const t = useTranslations("account");
  const type = useTranslations("ledgerType");
  if (!rows.length) return <p className="text-muted">{t("noLedger")}</p>;
  return (
    <TableFrame label={t("ledgerTitle")} testId="ledger-table" bare>
      <thead>
        <tr><Th>{t("when")}</Th><Th>{t("type")}</Th><Th right>{t("amount")}</Th><Th>{t("memo")}</Th><Th>{t("reference")}</Th></tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id}>
            <Td>{r.at}</Td>
            <Td>{isType(r.type) ? type(r.type) : r.type}</Td>
            <Td right>{r.amount}</Td>
            <Td wrap className="min-w-48">{r.memo}</Td>
            <Td className="font-mono text-xs text-muted">{r.reference}</Td>
          </tr>
        ))}
      </tbody>
    </TableFrame>
  );
}
