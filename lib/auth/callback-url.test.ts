import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AFTER_SIGN_IN, safeCallbackPath } from "./callback-url";

const ORIGIN = "http://localhost:3000";

describe("safeCallbackPath", () => {
  it("keeps same-site paths with their query and hash", () => {
    expect(safeCallbackPath("/bill-details?tab=usage#top", ORIGIN)).toBe("/bill-details?tab=usage#top");
    expect(safeCallbackPath("http://localhost:3000/resources", ORIGIN)).toBe("/resources");
    expect(safeCallbackPath("resources", ORIGIN)).toBe("/resources");
  });

  it.each([
    "/\\evil.example",
    "\\/evil.example",
    "/\\/evil.example",
    "//evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "https://evil.example/",
    "http://localhost:3001/overview",
    "javascript:alert(1)",
    "//localhost:3000@evil.example",
    "",
  ])("refuses %j", (target) => {
    expect(safeCallbackPath(target, ORIGIN)).toBe(AFTER_SIGN_IN);
  });

  it("refuses a repeated parameter", () => {
    expect(safeCallbackPath(["/a", "/b"], ORIGIN)).toBe(AFTER_SIGN_IN);
  });

  it("whatever the input, the result is a path a browser resolves to this origin", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (target) => {
        const path = safeCallbackPath(target, ORIGIN);
        expect(path.startsWith("/")).toBe(true);
        expect(path.startsWith("//")).toBe(false);
        expect(path).not.toMatch(/\\/);
        expect(new URL(path, ORIGIN).origin).toBe(ORIGIN);
      }),
      { numRuns: 2000 },
    );
  });
});
