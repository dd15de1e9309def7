import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findBadText } from "./text";

describe("findBadText", () => {
  it("finds NUL and lone surrogates in values and keys, anywhere", () => {
    expect(findBadText({ a: [{ b: "x\u0000" }] })).toEqual({ path: "a.0.b", message: "must not contain NUL characters" });
    expect(findBadText({ attributes: { "k\u0000": 1 } })).toMatchObject({ path: "attributes.(key)" });
    expect(findBadText(["\ud800"])).toEqual({ path: "0", message: "must be valid Unicode text" });
    expect(findBadText(new URLSearchParams("q=%00"))).toMatchObject({ path: "q" });
    expect(findBadText(new URLSearchParams("q=a%00&q=b"))).toMatchObject({ path: "q" });
  });

  it("accepts any well-formed text without NUL", () => {
    fc.assert(
      fc.property(fc.json(), (json) => {
        const value = JSON.parse(json.replaceAll("\\u0000", " "));
        expect(findBadText(value)).toBeNull();
      }),
    );
    expect(findBadText({ emoji: "🙂", n: 1, d: new Date(0), none: null })).toBeNull();
  });
});
