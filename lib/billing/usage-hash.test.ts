import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { dec } from "@/lib/money";
import { isoInstant, sortedJson, usageContentHash } from "./usage";

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

  // Stored hashes decide what counts as a duplicate in existing databases: these
  // were computed by the original sha256(JSON.stringify(attrs, sortedKeys)…) code.
  const base = { instanceId: "oss-1", itemId: "oss.storage", quantity: "1.5", startAt: new Date("2026-01-01T10:00:00Z"), endAt: new Date("2026-01-01T11:00:00.250Z") };
  it.each([
    ["no attributes", { ...base, attributes: null }, "446b58062d7b43d7575fa98f18151216e01fa7738b52f1c5a86cdd25ea192449"],
    ["flat attributes, unsorted keys", { ...base, attributes: { layerDigest: "sha256:abc", bytes: 1610612736 } }, "0b8c0d1334f4cf9e64ce8e60c6f4011275aee132a3148d0a39cd9318b3b4c37f"],
    [
      "strings needing escapes, unicode keys, booleans, null",
      { ...base, attributes: { ü: 'a"b\\c\n', network: "vpc", z: true, a: null, n: -0, f: 0.25 } },
      "84a3bbb6722da53176b6a77a588f651ce7523ca4cf1443f1f824c2d8c503fa34",
    ],
    [
      "nested values: the sorted key list also filters nested keys",
      { ...base, attributes: { meta: { b: 1, a: 2, meta: 3 }, list: [1, { list: 2, x: 3 }] } },
      "ba7ef1749dd15cb2f770ce76b04c816c4212606792948c7eb56242f0b53542cb",
    ],
    ["a quantity in another spelling", { ...base, quantity: "001.500000", attributes: { network: "internet" } }, "a24ff5ea8b97102e8826c6f511dbca3b617130781ef91d51a38ea8ae1511d9e5"],
  ])("keeps the stored hash of a record: %s", (_name, record, expected) => {
    expect(usageContentHash(record)).toBe(expected);
  });

  it("writes attributes exactly as JSON.stringify with the sorted key list does", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (a) => {
        expect(sortedJson(a)).toBe(JSON.stringify(a, Object.keys(a).sort()));
        // With the object's own JSON at hand (used as it is when the keys are in order), the same answer.
        const inOrder = Object.fromEntries(Object.entries(a).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
        for (const o of [a, inOrder]) expect(sortedJson(o, JSON.stringify(o))).toBe(JSON.stringify(o, Object.keys(o).sort()));
      }),
      { numRuns: 1000 },
    );
    expect(sortedJson({ a: 1, b: { d: 1, c: 2 } }, '{"a":1,"b":{"d":1,"c":2}}')).toBe('{"a":1,"b":{}}');
    expect(sortedJson({ gone: undefined, n: Number.NaN, kept: "x" })).toBe(JSON.stringify({ gone: undefined, n: Number.NaN, kept: "x" }, ["gone", "kept", "n"]));
    expect(sortedJson(null)).toBe("");
  });

  it("writes instants exactly as toISOString, from the cache too", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 253402300799999 }), (ms) => {
        const d = new Date(ms);
        expect(isoInstant(d)).toBe(d.toISOString());
        expect(isoInstant(new Date(ms))).toBe(d.toISOString());
      }),
    );
  });
});
