import { describe, expect, it } from "vitest";
import { jobsConcurrency } from "./run";

describe("jobsConcurrency", () => {
  it("runs one account at a time on PGlite's single connection", () => {
    expect(jobsConcurrency("pglite", 10)).toBe(1);
  });
  it("runs up to 8 on PostgreSQL, leaving two of the pool's connections free", () => {
    expect(jobsConcurrency("postgres", 10)).toBe(8);
    expect(jobsConcurrency("postgres", 40)).toBe(8);
    expect(jobsConcurrency("postgres", 5)).toBe(3);
    expect(jobsConcurrency("postgres", 2)).toBe(1);
    expect(jobsConcurrency("postgres", Number("x"))).toBe(8);
  });
});
