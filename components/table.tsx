// The console's one table: the same cell spacing everywhere, numbers right
// aligned in tabular figures, and a frame that scrolls sideways inside its card
// on a narrow screen (a focusable region, so keyboard users can scroll it too).
export function TableFrame({ children, label, testId, bare = false }: { children: React.ReactNode; label: string; testId?: string; bare?: boolean }) {
  return (
    <div className={`max-w-full overflow-x-auto ${bare ? "" : "rounded-lg border border-line bg-white"}`} role="region" aria-label={label} tabIndex={0}>
      <table className="min-w-full border-collapse text-left text-sm" data-testid={testId}>{children}</table>
    </div>
  );
}

const cell = "px-3 py-2 align-top";

export function Th({ children, right = false, className = "", ...rest }: { children: React.ReactNode; right?: boolean; className?: string } & React.ThHTMLAttributes<HTMLTableCellElement>) {
  return (
    <th scope="col" {...rest} className={`${cell} whitespace-nowrap border-b border-line bg-surface font-medium text-muted ${right ? "text-right" : "text-left"} ${className}`}>
      {children}
    </th>
  );
}

export function Td({ children, right = false, className = "", wrap = false }: { children: React.ReactNode; right?: boolean; className?: string; wrap?: boolean }) {
  return (
    <td className={`${cell} border-b border-line ${right ? "text-right tabular-nums" : ""} ${right || !wrap ? "whitespace-nowrap" : ""} ${className}`}>
      {children}
    </td>
  );
}
