// The operator API's document: its own, linted like /api/v1's, describing
// exactly the route files under app/api/ops/v1, with the operator key scheme.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openApiDocument } from "./openapi";
import { opsOpenApiDocument } from "./openapi-ops";
import { couponInput, voucherInput } from "@/lib/data/operator-money";

const ROOT = path.join(process.cwd(), "app", "api", "ops", "v1");

function routesOnDisk(): Map<string, string[]> {
  const routes = new Map<string, string[]>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === "route.ts") {
        const rel = path.relative(ROOT, dir).split(path.sep).filter(Boolean);
        const source = readFileSync(full, "utf8");
        const methods = [...source.matchAll(/export\s+(?:const|async\s+function|function)\s+(GET|POST|PUT|PATCH|DELETE)\b/g)].map((m) => m[1].toLowerCase());
        routes.set(["/api/ops/v1", ...rel.map((s) => s.replace(/^\[(.+)\]$/, "{$1}"))].join("/"), methods.sort());
      }
    }
  };
  walk(ROOT);
  return routes;
}

type Op = { security?: unknown[]; responses: Record<string, unknown> };
const paths = opsOpenApiDocument.paths as Record<string, Record<string, Op>>;

describe("operator API document", () => {
  it("passes `redocly lint` with no problem but the public document's lack of a 4xx", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "openapi-ops-"));
    try {
      const file = path.join(dir, "openapi.json");
      writeFileSync(file, JSON.stringify(opsOpenApiDocument));
      let out: string;
      try {
        out = execFileSync(path.join(process.cwd(), "node_modules", ".bin", "redocly"), ["lint", file, "--format=json", "--config", "redocly.yaml"], {
          encoding: "utf8",
          stdio: ["ignore", "pipe", "pipe"],
          env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
        });
      } catch (e) {
        out = (e as { stdout?: string }).stdout ?? "";
      }
      const report = JSON.parse(out) as { problems: { ruleId: string; message: string; location: { pointer: string }[] }[] };
      const problems = report.problems
        .map((p) => `${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`)
        .filter((p) => !p.startsWith("operation-4xx-response at #/paths/~1api~1ops~1v1~1openapi.json/get/"));
      expect(problems).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("describes exactly the route files under app/api/ops/v1, with their methods", () => {
    const documented = new Map(Object.entries(paths).map(([p, item]) => [p, Object.keys(item).sort()]));
    expect(documented).toEqual(routesOnDisk());
  });

  it("every operation but the document needs an operator key and documents 401 and 403", () => {
    expect(opsOpenApiDocument.security).toEqual([{ operatorKey: [] }]);
    for (const [p, item] of Object.entries(paths)) {
      for (const [m, op] of Object.entries(item)) {
        if (p.endsWith("/openapi.json")) expect(op.security).toEqual([]);
        else expect([op.security, op.responses["401"], op.responses["403"]].map(Boolean), `${m} ${p}`).toEqual([false, true, true]);
      }
    }
  });

  it("request bodies come from lib/data's schemas; each document carries only its own components", () => {
    const body = (p: string) => JSON.stringify((paths[p].post as unknown as { requestBody: unknown }).requestBody);
    for (const field of Object.keys(voucherInput.shape)) expect(body("/api/ops/v1/accounts/{accountId}/vouchers")).toContain(`"${field}"`);
    for (const field of Object.keys(couponInput.shape)) expect(body("/api/ops/v1/accounts/{accountId}/coupons")).toContain(`"${field}"`);
    const ops = Object.keys(opsOpenApiDocument.components.schemas);
    const main = Object.keys(openApiDocument.components.schemas);
    expect(ops).toEqual(expect.arrayContaining(["OpsAccount", "OpsVoucher", "OpsCoupon", "OpsAdjustment", "Amount", "Error"]));
    expect(ops).not.toContain("BillLine");
    expect(main.filter((n) => n.startsWith("Ops"))).toEqual([]);
  });
});
