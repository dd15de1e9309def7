import { describe, expect, it } from "vitest";
import { BOM, csvCell, csvHeader, csvRow, type CsvColumn } from "./csv";

describe("csvCell", () => {
  it.each([
    ["=SUM(A1:A2)", "'=SUM(A1:A2)"],
    ["+1", "'+1"],
    ["-1", "'-1"],
    ["@cmd", "'@cmd"],
    ["\tx", "'\tx"],
    ["\rx", "\"'\rx\""],
    ["plain", "plain"],
  ])("neutralises formula-looking text %j", (input, expected) => {
    expect(csvCell(input, "text")).toBe(expected);
  });

  it("keeps negative amounts and quantities numeric", () => {
    expect(csvCell("-12.30", "amount")).toBe("-12.30");
    expect(csvCell("-0.000001", "quantity")).toBe("-0.000001");
  });

  it("treats a non-number in an amount column as text, neutralised", () => {
    expect(csvCell("=1+1", "amount")).toBe("'=1+1");
    expect(csvCell("-1e5", "amount")).toBe("'-1e5");
  });

  it("quotes commas, quotes and newlines", () => {
    expect(csvCell('a,"b"\nc')).toBe('"a,""b""\nc"');
  });

  it("writes null as an empty cell", () => {
    expect(csvCell(null)).toBe("");
    expect(csvCell(undefined, "amount")).toBe("");
  });
});

describe("rows", () => {
  const cols: CsvColumn<{ name: string; amount: string }>[] = [
    { header: "Name", kind: "text", value: (r) => r.name },
    { header: "Amount", kind: "amount", value: (r) => r.amount },
  ];
  it("writes a header and CRLF-terminated rows; the BOM is U+FEFF", () => {
    expect(BOM.charCodeAt(0)).toBe(0xfeff);
    expect(csvHeader(cols)).toBe("Name,Amount\r\n");
    expect(csvRow(cols, { name: "-credit", amount: "-5.00" })).toBe("'-credit,-5.00\r\n");
  });
});
