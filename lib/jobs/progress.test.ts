import { describe, expect, it } from "vitest";
import { progressLine, progressReporter } from "./progress";

describe("jobs progress line", () => {
  it("says accounts done of the total, the rate and the time left at that rate", () => {
    expect(progressLine(2500, 10_000, 31_000)).toBe("Jobs: 2,500/10,000 accounts (25.0 %) in 31 s, 81 accounts/s, about 1 min 33 s left");
    expect(progressLine(10_000, 10_000, 100_000, 2)).toBe("Jobs: 10,000/10,000 accounts (100.0 %) in 1 min 40 s, 100 accounts/s, done, 2 failed");
    expect(progressLine(0, 3, 0)).toBe("Jobs: 0/3 accounts (0.0 %) in 0 s, 0.0 accounts/s, time left unknown");
    expect(progressLine(1, 7200, 1000)).toBe("Jobs: 1/7,200 accounts (0.0 %) in 1 s, 1.0 accounts/s, about 1 h 59 min left");
  });

  it("reports at most once per interval, and always at the end", () => {
    let now = 0;
    const lines: string[] = [];
    const tick = progressReporter(4, (l) => lines.push(l), 1000, () => now);
    now = 400;
    tick(true);
    now = 1200;
    tick(true);
    now = 1300;
    tick(false);
    now = 1500;
    tick(true);
    expect(lines).toEqual([
      "Jobs: 2/4 accounts (50.0 %) in 1 s, 1.7 accounts/s, about 1 s left",
      "Jobs: 4/4 accounts (100.0 %) in 2 s, 2.7 accounts/s, done, 1 failed",
    ]);
  });
});
