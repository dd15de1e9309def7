import { describe, expect, it } from "vitest";
import { projectCycle } from "./overview";

describe("projectCycle", () => {
  it("extends metered spend at the rate so far and keeps one-off charges as they are", () => {
    // 10 of 30 days gone: metered 12.34 → 37.02; plus 100 of subscriptions.
    expect(projectCycle("100.00", "12.34", 10, 30)).toBe("137.02");
  });
  it("is the spend itself at the cycle's end, and at its very start", () => {
    expect(projectCycle("5", "7.5", 30, 30)).toBe("12.50");
    expect(projectCycle("5", "7.5", 0, 30)).toBe("12.50");
  });
  it("never extrapolates past the cycle (a clock beyond it)", () => {
    expect(projectCycle("0", "9", 45, 30)).toBe("9.00");
  });
  it("keeps credits negative", () => {
    expect(projectCycle("-3.00", "0", 15, 30)).toBe("-3.00");
  });
});
