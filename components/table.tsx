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

export function Th({ children, right = false, className = "", ...rest }: { children: React.ReactNode; right?: boolean; className?: string } & React.ThHTMLAttributes<HTMLTableCellElement>) {
  return (
    <th scope="col" {...rest} className={`${right ? "th th-r" : "th"}${className ? ` ${className}` : ""}`}>
      {children}
    </th>
  );
}

// A body cell's look is one short class (app/globals.css): a page of 50 rows has
// about a thousand cells, and each class name is sent twice (in the HTML and in
// the RSC payload that hydrates it).
export function Td({ children, right = false, className = "", wrap = false, testId }: { children: React.ReactNode; right?: boolean; className?: string; wrap?: boolean; testId?: string }) {
  const look = right ? "td td-r" : wrap ? "td" : "td td-nw";
  return <td className={className ? `${look} ${className}` : look} data-testid={testId}>{children}</td>;
}
