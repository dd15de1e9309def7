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

const METHODS = ["subscription", "payg", "free"] as const;
const STATUSES = ["active", "restricted", "overdue", "expired", "released", "paid", "unpaid", "cancelled"] as const;
const has = <T extends string>(list: readonly T[], v: string): v is T => (list as readonly string[]).includes(v);

export function AuditTable({ entries, timeZone, currency }: { entries: AuditRow[]; timeZone: string; currency: string }) {
  const t = useTranslations("audit");
  const tm = useTranslations("billingMethod");
  const ts = useTranslations("audit.state");
  const f = useFormat();
  // Actions are stored as ids ("change_spec:upgrade"); states as "payg · active · spec · until <ISO>".
  const action = (a: string) => {
    const key = a.replace(/[:.-]/g, "_");
    return t.has(`actions.${key}` as Parameters<typeof t.has>[0]) ? t(`actions.${key}` as Parameters<typeof t>[0]) : a.replaceAll("_", " ");
  };
  const state = (s: string | null) =>
    s === null ? "—" : s.split(" · ").map((part) =>
      has(METHODS, part) ? tm(part) : has(STATUSES, part) ? ts(part) : part.startsWith("until ") ? t("until", { at: f.instant(new Date(part.slice(6)), timeZone) }) : part,
    ).join(" · ");
  if (!entries.length) return <Empty>{t("empty")}</Empty>;
  const amount = (k: string) => (t.has(`amount.${k}` as Parameters<typeof t.has>[0]) ? t(`amount.${k}` as Parameters<typeof t>[0]) : k);
  return (
    <TableFrame label={t("title")} testId="audit-table" bare>
      <thead>
        <tr>
          <Th>{t("when")}</Th><Th>{t("who")}</Th><Th>{t("action")}</Th><Th>{t("target")}</Th><Th>{t("from")}</Th><Th>{t("to")}</Th><Th>{t("amounts")}</Th><Th>{t("reason")}</Th>
        </tr>
      </thead>
      <tbody>
        {entries.map((e) => (
          <tr key={e.id} data-testid="audit-row">
            <Td>{f.instant(e.at, timeZone)}</Td>
            <Td>{e.actor}</Td>
            <Td className="font-medium">{action(e.action)}</Td>
            <Td className="font-mono">{e.targetId}</Td>
            <Td>{state(e.fromState)}</Td>
            <Td>{state(e.toState)}</Td>
            <Td className="tabular-nums">{e.amounts ? Object.entries(e.amounts).map(([k, v]) => `${amount(k)} ${f.money(v, currency)}`).join(", ") : "—"}</Td>
            {/* An order's number, or why the provider's operator acted. */}
            {typeof e.details?.orderNo === "string" ? <Td className="font-mono">{e.details.orderNo}</Td> : <Td wrap>{typeof e.details?.reason === "string" ? e.details.reason : "—"}</Td>}
          </tr>
        ))}
      </tbody>
    </TableFrame>
  );
}
