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

export function csvHeader(columns: readonly { header: string }[]): string {
  return csvLine(columns.map((c) => csvCell(c.header)));
}

export function csvRow<R>(columns: readonly CsvColumn<R>[], row: R): string {
  return csvLine(columns.map((c) => csvCell(c.value(row), c.kind)));
}

// The same cell and line built by PostgreSQL, so a large export crosses the
// wire as one ready CSV line per row instead of ~30 parsed columns (the
// Billing Details export, ≥ 100,000 rows/s). Raw SQL over trusted column
// expressions; tests hold csvCellSql equal to csvCell for any text.
const FORMULA_FIRST_SQL = "('=', '+', '-', '@', E'\\t', E'\\r')";
const NEEDS_QUOTES_SQL = "E'[\",\\r\\n]'";
const NUMBER_SQL = "'^-?[0-9]+(\\.[0-9]+)?$'";

function textCellSql(v: string): string {
  // One test each: the ' prefix adds no quote, comma or line break, so whether
  // the cell needs quotes is a question about v itself.
  const n = `CASE WHEN substr(${v}, 1, 1) IN ${FORMULA_FIRST_SQL} THEN '''' || ${v} ELSE ${v} END`;
  return `CASE WHEN ${v} ~ ${NEEDS_QUOTES_SQL} THEN '"' || replace(${n}, '"', '""') || '"' ELSE ${n} END`;
}

/** csvCell in SQL over a text expression: "" for NULL. */
export function csvCellSql(expr: string, kind: CellKind = "text"): string {
  const v = `(${expr})`;
  const cell = kind === "text" ? textCellSql(v) : `CASE WHEN ${v} ~ ${NUMBER_SQL} THEN ${v} ELSE ${textCellSql(v)} END`;
  return `coalesce(${cell}, '')`;
}

/** csvLine in SQL: the cells joined by commas, ended by CRLF. */
export function csvLineSql(cells: string[]): string {
  return `concat_ws(',', ${cells.join(", ")}) || E'\\r\\n'`;
}
