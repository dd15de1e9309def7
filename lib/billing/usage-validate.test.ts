import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { Decimal } from "decimal.js";
import { checkUsageShape, fastUsageShape, parseQuantity, usageRecordSchema } from "./usage-validate";

const good = { id: "r1", instanceId: "oss-1", item: "storage", quantity: "1.5", start: "2026-01-01T00:00:00Z", end: "2026-01-01T01:00:00Z" };
const fieldValue = fc.oneof(
  fc.string({ maxLength: 3 }),
  fc.string({ minLength: 39, maxLength: 42 }),
  fc.string({ minLength: 199, maxLength: 202 }),
  fc.constantFrom("", "a\u0000b", "a\u001fb", "x\u007f", "ok", "__proto__"),
  fc.double(),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0, 7),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.jsonValue(), { maxKeys: 3 }),
  fc.constant(Object.assign(Object.create(null), { a: 1 })),
  fc.constant([1, 2]),
  fc.constant(new Date(0)),
  fc.constant(JSON.parse('{"__proto__": {"x": 1}}')),
);
// A well-formed record with some fields replaced, removed or added.
const records = fc
  .tuple(
    fc.dictionary(fc.constantFrom("id", "instanceId", "item", "quantity", "start", "end", "attributes", "extra", "Id"), fieldValue, { maxKeys: 3 }),
    fc.subarray(Object.keys(good)),
  )
  .map(([over, drop]) => {
    const r: Record<string, unknown> = { ...good, ...over };
    for (const k of drop.slice(0, 1)) delete r[k];
    return r;
  });

describe("the shape check's fast path", () => {
  it("accepts only what the zod schema accepts, with the same data", () => {
    fc.assert(
      fc.property(fc.oneof(records, fc.anything()), (raw) => {
        const fast = fastUsageShape(raw);
        if (fast === null) return; // zod decides
        const parsed = usageRecordSchema.safeParse(raw);
        expect(parsed.success).toBe(true);
        expect(fast).toEqual(parsed.data);
      }),
      { numRuns: 3000 },
    );
  });

  it("takes a well-formed record, with or without attributes", () => {
    expect(fastUsageShape(good)).toEqual(good);
    expect(fastUsageShape({ ...good, quantity: 2, attributes: { network: "vpc" } })).not.toBeNull();
    expect(fastUsageShape({ ...good, attributes: null })).not.toBeNull();
  });
});

describe("the shape check's stored forms", () => {
  const quantities = fc.oneof(
    fc.tuple(fc.nat({ max: 1_000_000_000 }), fc.nat({ max: 999_999 }), fc.nat({ max: 6 })).map(([i, f, pad]) => `${i}.${String(f).padStart(pad, "0")}`),
    fc.nat({ max: 1_000_000_000 }).map(String),
    fc.constantFrom("0", "0.0", "00.5", "1.50", "010", " 2.5", "1000000000", "0.000001", "-0", "-0.0"),
    fc.double({ min: 0, max: 1e9, noNaN: true }),
  );
  it("keeps the quantity as Decimal#toFixed() writes it, and the attributes as JSON.stringify does", () => {
    fc.assert(
      fc.property(quantities, fc.option(fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue(), { maxKeys: 3 })), (quantity, attributes) => {
        const { record } = checkUsageShape({ ...good, quantity, attributes });
        if (!record) return;
        expect(record.quantityText).toBe((parseQuantity(quantity) as Decimal).toFixed());
        expect(record.attributesJson).toBe(record.attributes ? JSON.stringify(record.attributes) : null);
        expect(record.startIso).toBe(record.startAt.toISOString());
        expect(record.startMs).toBe(record.startAt.getTime());
      }),
      { numRuns: 2000 },
    );
  });
  it("accepts exactly the quantities parseQuantity accepts (canonical ones skip the Decimal)", () => {
    const edges = fc.constantFrom("999999999.999999", "1000000000", "1000000000.000001", "1000000001", "0.0000001", "-1", "1e3", "", ".5", "5.");
    fc.assert(
      fc.property(fc.oneof(quantities, edges), (quantity) => {
        const { record, issues } = checkUsageShape({ ...good, quantity });
        const parsed = parseQuantity(quantity);
        if (typeof parsed === "string") expect(issues).toEqual([{ field: "quantity", message: parsed }]);
        else expect(record?.quantityText).toBe(parsed.toFixed());
      }),
      { numRuns: 2000 },
    );
  });
});
