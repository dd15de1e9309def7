import { describe, expect, it } from "vitest";
import { sortableId } from "./ids";

describe("sortableId", () => {
  it("sorts in creation order, even thousands within one millisecond, and never repeats", () => {
    const ids = Array.from({ length: 5_000 }, () => sortableId("aud"));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[0]).toMatch(/^aud_[0-9a-z]{13}[0-9a-f]{10}$/);
  });
});
