// Audit entries: when, who, what, on what, from → to, amounts.
import { Empty } from "@/components/ui";
import { formatInstant } from "@/lib/format";

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

export function AuditTable({ entries, timeZone }: { entries: AuditRow[]; timeZone: string }) {
  if (!entries.length) return <Empty>No actions recorded yet.</Empty>;
  return (
    <div className="overflow-x-auto">
      <table data-testid="audit-table" className="w-full text-left text-sm">
        <thead className="text-muted">
          <tr>
            {["When", "Who", "Action", "Target", "From", "To", "Amounts", "Order"].map((h) => <th key={h} className="py-1 pr-3 font-normal">{h}</th>)}
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id} data-testid="audit-row" className="border-t border-line align-top">
              <td className="whitespace-nowrap py-1 pr-3">{formatInstant(e.at, timeZone)}</td>
              <td className="py-1 pr-3">{e.actor}</td>
              <td className="py-1 pr-3 font-medium">{e.action.replaceAll("_", " ")}</td>
              <td className="py-1 pr-3 font-mono">{e.targetId}</td>
              <td className="py-1 pr-3">{e.fromState ?? "—"}</td>
              <td className="py-1 pr-3">{e.toState ?? "—"}</td>
              <td className="py-1 pr-3 tabular-nums">{e.amounts ? Object.entries(e.amounts).map(([k, v]) => `${k} ${v}`).join(", ") : "—"}</td>
              <td className="py-1 pr-3 font-mono">{typeof e.details?.orderNo === "string" ? e.details.orderNo : "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
