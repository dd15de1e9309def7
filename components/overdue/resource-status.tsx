// Per resource: its state, what is refused and what happens next, and when.
import { useTranslations } from "next-intl";
import { StatusBadge } from "@/components/ui";
import { TableFrame, Td, Th } from "@/components/table";
import { Cause } from "./cause";
import { Countdown } from "./countdown";

export interface ResourceStatusRow {
  id: string;
  name: string;
  productName: string;
  status: string;
  statusSince: string;
  blocked: string[];
  next: { to: string; at: string; atLabel: string; cause: string } | null;
}

const BLOCKED = ["create", "deploy", "restart", "change-spec", "use", "renew", "upgrade"] as const;
const isBlocked = (s: string): s is (typeof BLOCKED)[number] => (BLOCKED as readonly string[]).includes(s);

export function NextEvent({ next, now }: { next: ResourceStatusRow["next"]; now: string }) {
  const t = useTranslations("overdue");
  if (!next) return <span className="text-muted">—</span>;
  const verb = next.to === "released" ? t("released") : next.to === "expired" ? t("ends") : next.to;
  return (
    <span>
      {verb} <Countdown at={next.at} now={now} /> <span className="text-xs text-muted">({next.atLabel})</span>
    </span>
  );
}

export function ResourceStatusTable({ rows, now }: { rows: ResourceStatusRow[]; now: string }) {
  const t = useTranslations("overdue");
  const blocked = useTranslations("blockedAction");
  if (!rows.length) return <p className="text-muted">{t("noLive")}</p>;
  return (
    <TableFrame label={t("statusTable")} testId="resource-status" bare>
      <thead>
        <tr><Th>{t("resource")}</Th><Th>{t("state")}</Th><Th>{t("refused")}</Th><Th>{t("next")}</Th></tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id} data-testid={`status-${r.id}`}>
            <Td>
              <a href={`/resources/${encodeURIComponent(r.id)}`} className="text-blue-700 hover:underline">{r.name}</a>
              <div className="text-xs text-muted">{r.productName}</div>
            </Td>
            <Td>
              <StatusBadge status={r.status} />
              <div className="text-xs text-muted">{t("since", { since: r.statusSince })}</div>
            </Td>
            <Td wrap className="text-xs">{r.blocked.length ? r.blocked.map((b) => (isBlocked(b) ? blocked(b) : b)).join(", ") : "—"}</Td>
            <Td wrap className="min-w-56 text-xs">
              <NextEvent next={r.next} now={now} />
              {r.next && <div className="text-muted"><Cause cause={r.next.cause} /></div>}
            </Td>
          </tr>
        ))}
      </tbody>
    </TableFrame>
  );
}
