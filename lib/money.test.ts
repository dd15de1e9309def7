import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { dec, roundMoney, sum, toFixedString } from "./money";

describe("money", () => {
  it("rounds half-up to cents once", () => {
    expect(roundMoney("0.125").toFixed()).toBe("0.13");
    expect(roundMoney("0.124999").toFixed()).toBe("0.12");
    expect(roundMoney("-0.125").toFixed()).toBe("-0.13");
    expect(roundMoney("2.675").toFixed()).toBe("2.68"); // a float would give 2.67
  });

  it("sums exactly where floats drift", () => {
    expect(sum(["0.1", "0.2"]).equals(dec("0.3"))).toBe(true);
    expect(toFixedString(sum(Array(10).fill("0.1")))).toBe("1.00");
  });

  it("the sum of rounded lines is itself a whole number of cents", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -10_000_000, max: 10_000_000 }), { maxLength: 50 }), (micros) => {
        const lines = micros.map((m) => roundMoney(dec(m).div(1_000_000)));
        const total = sum(lines);
        expect(total.decimalPlaces()).toBeLessThanOrEqual(2);
      }),
    );
  });
});
