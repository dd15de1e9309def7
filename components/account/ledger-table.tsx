// The ledger as a table; amounts arrive formatted.
export interface LedgerRow {
  id: string;
  at: string;
  type: string;
  amount: string;
  memo: string;
  reference: string;
}

const TYPE_LABELS: Record<string, string> = { top_up: "Top-up", deduction: "Deduction", refund: "Refund", adjustment: "Adjustment" };

export function LedgerTable({ rows }: { rows: LedgerRow[] }) {
  if (!rows.length) return <p className="text-muted">No ledger entries match these filters.</p>;
  return (
    <table className="w-full text-left" data-testid="ledger-table">
      <thead className="text-xs text-muted">
        <tr><th className="py-1">When</th><th>Type</th><th className="text-right">Amount</th><th>Memo</th><th>Reference</th></tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id} className="border-t border-line">
            <td className="py-1 whitespace-nowrap">{r.at}</td>
            <td>{TYPE_LABELS[r.type] ?? r.type}</td>
            <td className="num">{r.amount}</td>
            <td>{r.memo}</td>
            <td className="font-mono text-xs text-muted">{r.reference}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
