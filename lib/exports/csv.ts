// CSV for spreadsheets (pure, no I/O). UTF-8 with a BOM so Excel detects the
// encoding; amounts are plain decimals ("-12.30", never "$12.30") so they stay
// numbers; text that a spreadsheet would read as a formula (= + - @, tab, CR at
// the start) is prefixed with ' — but only text: a negative amount is a number.
export const BOM = "\uFEFF";

export type CellKind = "text" | "amount" | "quantity";

export interface CsvColumn<R> {
  header: string;
  kind: CellKind;
  value: (row: R) => string | number | null | undefined;
}

const FORMULA_START = /^[=+\-@\t\r]/;
const NUMBER = /^-?\d+(\.\d+)?$/;

/** One cell, neutralised (text) or checked (numbers), then quoted if needed. */
export function csvCell(value: string | number | null | undefined, kind: CellKind = "text"): string {
  if (value === null || value === undefined) return "";
  let s = String(value);
  if (kind !== "text" && !NUMBER.test(s)) {
    // A number column never carries text: anything else is neutralised as text.
    kind = "text";
  }
  if (kind === "text" && FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(cells: string[]): string {
  return `${cells.join(",")}\r\n`;
}

export function csvHeader<R>(columns: readonly CsvColumn<R>[]): string {
  return csvLine(columns.map((c) => csvCell(c.header)));
}

export function csvRow<R>(columns: readonly CsvColumn<R>[], row: R): string {
  return csvLine(columns.map((c) => csvCell(c.value(row), c.kind)));
}
