// The one order-number format, from crypto by default or from a given source
// (the demo seed passes its seeded one, so its order numbers repeat).
import { describe, expect, it } from "vitest";
import { orderNumber } from "./orders";

describe("orderNumber", () => {
  const at = new Date("2026-11-20T23:30:00-05:00"); // 2026-11-21 in UTC

  it("is the UTC date and ten digits drawn from the source", () => {
    const asked: number[] = [];
    expect(orderNumber(at, (max) => (asked.push(max), 42))).toBe("202611210000000042");
    expect(orderNumber(at, (max) => max - 1)).toBe("202611219999999999");
    expect(asked).toEqual([1e10]);
  });

  it("draws from crypto when no source is given", () => {
    const numbers = new Set(Array.from({ length: 50 }, () => orderNumber(at)));
    for (const n of numbers) expect(n).toMatch(/^20261121\d{10}$/);
    expect(numbers.size).toBeGreaterThan(45);
  });
});
