import { describe, expect, it } from "vitest";
import { FOCUS_COLUMNS, FOCUS_MANDATORY, SERVICE_CATEGORIES } from "./focus";
import { SERVICE_SUBCATEGORIES, isServiceSubcategoryOf } from "./focus-values";

describe("FOCUS columns", () => {
  it("has the spec's 21 mandatory columns first, each once", () => {
    expect(FOCUS_MANDATORY).toHaveLength(21);
    expect(FOCUS_COLUMNS.slice(0, 21)).toEqual([...FOCUS_MANDATORY]);
    expect(new Set(FOCUS_COLUMNS).size).toBe(FOCUS_COLUMNS.length);
  });
});

describe("FOCUS service classification", () => {
  it("lists every category with its own subcategories, each under exactly one parent", () => {
    expect(SERVICE_CATEGORIES).toHaveLength(19);
    const all = Object.values(SERVICE_SUBCATEGORIES).flat();
    expect(new Set(all).size).toBe(all.length);
    expect(isServiceSubcategoryOf("Compute", "Containers")).toBe(true);
    expect(isServiceSubcategoryOf("Storage", "Containers")).toBe(false);
    expect(isServiceSubcategoryOf("Nope", "Containers")).toBe(false);
  });
});

