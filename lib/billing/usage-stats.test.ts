import { describe, expect, it } from "vitest";
import { STALE_ROWS, statsStale } from "./usage-stats";

describe("when the jobs analyze usage_records", () => {
  it("never analyzed: always", () => {
    expect(statsStale({ tuples: -1, changed: 0 })).toBe(true);
  });
  it("changed by at least 10 % of the table and at least 10,000 rows", () => {
    expect(statsStale({ tuples: 0, changed: STALE_ROWS })).toBe(true);
    expect(statsStale({ tuples: 1_000_000, changed: 100_000 })).toBe(true);
    expect(statsStale({ tuples: 1_000_000, changed: 99_999 })).toBe(false);
    expect(statsStale({ tuples: 1_000, changed: STALE_ROWS - 1 })).toBe(false);
    expect(statsStale({ tuples: 0, changed: 0 })).toBe(false);
  });
});
