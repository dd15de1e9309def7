// Per resource: its state, what is refused and what happens next, and when.
import { StatusBadge } from "@/components/ui";
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

export const ACTION_LABELS: Record<string, string> = {
  create: "new purchases",
  deploy: "deploying",
  restart: "restarting",
  "change-spec": "spec changes",
  use: "use",
  renew: "renewal",
  upgrade: "upgrades",
};

export function NextEvent({ next, now }: { next: ResourceStatusRow["next"]; now: string }) {
  if (!next) return <span className="text-muted">—</span>;
  const verb = next.to === "released" ? "Released" : next.to === "expired" ? "Ends" : next.to;
  return (
    <span>
      {verb} <Countdown at={next.at} now={now} /> <span className="text-xs text-muted">({next.atLabel})</span>
    </span>
  );
}

export function ResourceStatusTable({ rows, now }: { rows: ResourceStatusRow[]; now: string }) {
  if (!rows.length) return <p className="text-muted">No live resources.</p>;
  return (
    <table className="w-full text-left" data-testid="resource-status">
      <thead className="text-xs text-muted">
        <tr>
          <th className="py-1">Resource</th>
          <th>State</th>
          <th>Refused</th>
          <th>Next</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id} className="border-t border-line" data-testid={`status-${r.id}`}>
            <td className="py-1">
              <a href={`/resources/${encodeURIComponent(r.id)}`} className="text-blue-700 hover:underline">{r.name}</a>
              <div className="text-xs text-muted">{r.productName}</div>
            </td>
            <td>
              <StatusBadge status={r.status} />
              <div className="text-xs text-muted">since {r.statusSince}</div>
            </td>
            <td className="text-xs">{r.blocked.length ? r.blocked.map((b) => ACTION_LABELS[b] ?? b).join(", ") : "—"}</td>
            <td className="text-xs">
              <NextEvent next={r.next} now={now} />
              {r.next && <div className="text-muted">{r.next.cause}</div>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
