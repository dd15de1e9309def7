import { describe, expect, it } from "vitest";
import { allocationAt, type Assignment } from "./tags";

const a = (validFrom: string, project: string, resourceGroup: string | null = null): Assignment => ({ validFrom: new Date(validFrom), tags: { project }, resourceGroup });

describe("allocationAt: the tags a charge carries", () => {
  const history = [a("2026-11-01T10:00:00Z", "atlas", "g"), a("2026-11-15T00:00:00Z", "borealis"), a("2026-11-18T12:00:00Z", "comet")];

  it("takes the assignment in force at the instant, an assignment beginning exactly then included", () => {
    expect(allocationAt(history, new Date("2026-11-14T00:00:00Z"))).toEqual({ tags: { project: "atlas" }, resourceGroup: "g" });
    expect(allocationAt(history, new Date("2026-11-15T00:00:00Z"))).toEqual({ tags: { project: "borealis" }, resourceGroup: null });
    // Changed at noon on the 18th: that day's start is still borealis's, the 19th's is comet's.
    expect(allocationAt(history, new Date("2026-11-18T00:00:00Z")).tags).toEqual({ project: "borealis" });
    expect(allocationAt(history, new Date("2026-11-19T00:00:00Z")).tags).toEqual({ project: "comet" });
  });

  it("gives a resource's first day (created after its day began) its first assignment, and an untracked one nothing", () => {
    expect(allocationAt(history, new Date("2026-11-01T00:00:00Z")).tags).toEqual({ project: "atlas" });
    expect(allocationAt([], new Date("2026-11-01T00:00:00Z"))).toEqual({ tags: {}, resourceGroup: null });
  });
});
