"use client";
// The Billing Details rows as data: the server formats every cell to a string
// and this leaf renders the rows. A server-rendered table is sent twice — as
// HTML and again as the RSC tree that hydrates it (~1.4 KB a row) — while
// rows as props cost their text once more (~0.3 KB a row). Header and totals
// stay server-rendered and come in as `head` and `foot`.
import Link from "next/link";
import { Fragment } from "react";

/** A cell: text, nothing (—), a muted word (untagged, no group) or a tag list. */
export type LineCell = string | null | { muted: string } | string[];

export interface LineColumn {
  right: boolean;
  /** Cells link to `${linkPrefix}${encodeURIComponent(value)}`. */
  linkPrefix?: string;
}

export interface LineRow {
  cells: LineCell[];
  /** Indexes of cells holding a negative amount (shown in green, as a credit). */
  negative?: number[];
  /** A line made of periods: its id, the link's words, and whether it is the open one. */
  expand?: { id: string; label: string; open: boolean };
}

function Cell({ value, column, negative }: { value: LineCell; column: LineColumn; negative: boolean }) {
  if (value === null) return <span className="text-muted">—</span>;
  if (Array.isArray(value)) {
    return (
      <span className="flex flex-wrap gap-1">
        {value.map((tag) => <span key={tag} className="rounded bg-surface px-1.5 py-0.5 text-xs">{tag}</span>)}
      </span>
    );
  }
  if (typeof value === "object") return <span className="text-muted">{value.muted}</span>;
  if (column.linkPrefix) return <Link href={`${column.linkPrefix}${encodeURIComponent(value)}`} className="underline">{value}</Link>;
  return negative ? <span className="text-green-800">{value}</span> : value;
}

export function LinesTable({ columns, rows, head, foot, expanded, expandAt = 0, expandBase, label, testId }: {
  columns: LineColumn[];
  /** The page's URL without `expand`: a line's link adds its id (one URL sent, not one per row). */
  expandBase: string;
  /** The cell that holds a line's expand link. */
  expandAt?: number;
  rows: LineRow[];
  head: React.ReactNode;
  foot: React.ReactNode;
  /** What the open line shows under it (its periods), server-rendered. */
  expanded?: React.ReactNode;
  label: string;
  testId: string;
}) {
  return (
    <div className="max-w-full overflow-x-auto rounded-lg border border-line bg-white" role="region" aria-label={label} tabIndex={0}>
      <table className="rows min-w-full border-collapse text-left text-sm" data-testid={testId}>
        {head}
        <tbody>
          {rows.map((row, n) => (
            // The rows of one page in the server's order: the index is their key.
            <Fragment key={n}>
              <tr>
                {row.cells.map((value, i) => (
                  <td key={i} className={columns[i].right ? "r" : undefined}>
                    <Cell value={value} column={columns[i]} negative={row.negative?.includes(i) ?? false} />
                    {i === expandAt && row.expand && (
                      // The expanded line lives in the URL like every other view state.
                      <Link href={row.expand.open ? expandBase : `${expandBase}${expandBase.includes("?") ? "&" : "?"}expand=${encodeURIComponent(row.expand.id)}`} scroll={false} className="ml-2 text-xs text-brand-dark hover:underline"
                        aria-expanded={row.expand.open} data-testid="expand-periods">
                        {row.expand.label}
                      </Link>
                    )}
                  </td>
                ))}
              </tr>
              {row.expand?.open && expanded && (
                <tr>
                  <td colSpan={columns.length} className="border-b border-line bg-surface">{expanded}</td>
                </tr>
              )}
            </Fragment>
          ))}
        </tbody>
        {foot}
      </table>
    </div>
  );
}
