import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { dec } from "@/lib/money";
import { usageContentHash } from "./usage";

describe("usageContentHash", () => {
  it("is the same with the validator's canonical quantity as when it parses the quantity itself", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: BigInt(0), max: BigInt(10) ** BigInt(15) }), fc.integer({ min: 0, max: 6 }), (units, scale) => {
        const quantity = dec(units.toString()).div(dec(10).pow(scale)).toFixed();
        const base = { instanceId: "i", itemId: "oss.storage", quantity, startAt: new Date(0), endAt: new Date(3600_000), attributes: { b: 1, a: "x" } };
        expect(usageContentHash(base, true)).toBe(usageContentHash(base));
      }),
    );
  });
  it("parses a quantity written another way to the same hash", () => {
    const base = { instanceId: "i", itemId: "oss.storage", startAt: new Date(0), endAt: new Date(1), attributes: null };
    expect(usageContentHash({ ...base, quantity: "1.50" })).toBe(usageContentHash({ ...base, quantity: "1.5" }, true));
  });
});
