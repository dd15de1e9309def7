// The OpenAPI document must describe exactly the routes that exist, with the
// schemas the code validates with, and pass an OpenAPI linter (Redocly).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { billLinesQuerySchema } from "@/lib/data/bill-lines";
import { billsQuerySchema } from "@/lib/data/bills";
import { registerInput } from "@/lib/data/resource-events";
import { usageRecordSchema } from "@/lib/data/usage";
import { HTTP_METHODS, openApiDocument } from "./openapi";
import type { Json } from "./openapi-builder";

const API_ROOT = path.join(process.cwd(), "app", "api", "v1");
type Operation = { security?: unknown[]; parameters?: Json[]; requestBody?: { content: Record<string, { schema: Json }> }; responses: Record<string, Json> };
const paths = openApiDocument.paths as Record<string, Partial<Record<(typeof HTTP_METHODS)[number], Operation>>>;
const schemas = openApiDocument.components.schemas;

/** route file → { "/api/v1/bills/{id}": ["get"] } from what the file exports. */
function routesOnDisk(): Map<string, string[]> {
  const routes = new Map<string, string[]>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/^route\.(ts|tsx|js)$/.test(entry.name)) {
        const rel = path.relative(API_ROOT, dir).split(path.sep).filter(Boolean);
        const apiPath = ["/api/v1", ...rel.map((seg) => seg.replace(/^\[(.+)\]$/, "{$1}"))].join("/");
        const source = readFileSync(full, "utf8");
        const methods = [...source.matchAll(/export\s+(?:const|async\s+function|function)\s+(GET|POST|PUT|PATCH|DELETE)\b/g)].map((m) =>
          m[1].toLowerCase(),
        );
        routes.set(apiPath, methods.sort());
      }
    }
  };
  walk(API_ROOT);
  return routes;
}

function documented(): Map<string, string[]> {
  return new Map(Object.entries(paths).map(([p, item]) => [p, HTTP_METHODS.filter((m) => item[m]).map(String).sort()]));
}

function operations(): [string, string, Operation][] {
  return Object.entries(paths).flatMap(([p, item]) => HTTP_METHODS.filter((m) => item[m]).map((m): [string, string, Operation] => [p, m, item[m]!]));
}

const resolveParam = (p: Json) =>
  typeof p.$ref === "string" ? (openApiDocument.components.parameters as unknown as Record<string, Json>)[p.$ref.split("/").pop()!] : p;

describe("OpenAPI document", () => {
  it("passes `redocly lint` (recommended rules) with no error and no warning but the public document's lack of a 4xx", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "openapi-"));
    try {
      const file = path.join(dir, "openapi.json");
      writeFileSync(file, JSON.stringify(openApiDocument));
      let out: string;
      try {
        out = execFileSync(path.join(process.cwd(), "node_modules", ".bin", "redocly"), ["lint", file, "--format=json", "--config", "redocly.yaml"], {
          encoding: "utf8",
          stdio: ["ignore", "pipe", "pipe"],
          env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
        });
      } catch (e) {
        out = (e as { stdout?: string }).stdout ?? ""; // exit code 1 on errors: the report says which
      }
      const report = JSON.parse(out) as { totals: { errors: number }; problems: { ruleId: string; message: string; location: { pointer: string }[] }[] };
      const problems = report.problems
        .map((p) => `${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`)
        .filter((p) => !p.startsWith("operation-4xx-response at #/paths/~1api~1v1~1openapi.json/get/"));
      expect(problems).toEqual([]);
      expect(report.totals.errors).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("is OpenAPI 3.1 with bearer security, the error schema and its responses", () => {
    expect(openApiDocument.openapi).toBe("3.1.0");
    expect(openApiDocument.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    expect(schemas.Error.required).toEqual(["error"]);
    expect(Object.keys(openApiDocument.components.responses)).toEqual(
      expect.arrayContaining(["BadRequest", "Unauthenticated", "Forbidden", "NotFound", "Conflict", "TooManyRequests"]),
    );
  });

  it("every route file under app/api/v1 is documented with its methods", () => {
    const docs = documented();
    for (const [p, methods] of routesOnDisk()) {
      expect(docs.has(p), `${p} is missing from the OpenAPI document (lib/api/openapi-paths*.ts)`).toBe(true);
      expect(docs.get(p), `methods of ${p}`).toEqual(methods);
    }
  });

  it("every documented path has a route file exporting its methods", () => {
    const disk = routesOnDisk();
    for (const [p, methods] of documented()) {
      expect(disk.has(p), `${p} is documented but app/api/v1 has no route file for it`).toBe(true);
      expect(disk.get(p), `methods of ${p}`).toEqual(methods);
    }
  });

  it("only the document itself is public; every other operation documents 401", () => {
    for (const [p, m, op] of operations()) {
      if (p === "/api/v1/openapi.json") expect(op.security).toEqual([]);
      else {
        expect(op.security, `${m} ${p}`).toBeUndefined(); // inherits the global bearer requirement
        expect(op.responses["401"], `${m} ${p} documents 401`).toBeDefined();
      }
    }
  });

  it("the query parameters are exactly the fields of the schemas lib/data parses them with", () => {
    const names = (p: string) => new Set((paths[p].get!.parameters ?? []).map(resolveParam).filter((x) => x.in === "query").map((x) => x.name));
    expect(names("/api/v1/bill-lines")).toEqual(new Set(Object.keys(billLinesQuerySchema.shape)));
    expect(names("/api/v1/bills")).toEqual(new Set(Object.keys(billsQuerySchema.shape)));
    const cycle = paths["/api/v1/bill-lines"].get!.parameters!.find((x) => x.name === "billingCycle")!;
    expect(cycle).toMatchObject({ required: true, schema: { type: "string", pattern: "^\\d{4}-(0[1-9]|1[0-2])$" } });
  });

  it("request bodies are generated from lib/data's schemas, so a changed field changes the document", () => {
    const body = (p: string, m: "post") => paths[p][m]!.requestBody!.content["application/json"].schema;
    expect(body("/api/v1/instances", "post")).toEqual({ $ref: "#/components/schemas/InstanceRegistration" });
    expect(z.globalRegistry.get(registerInput)?.id).toBe("InstanceRegistration");
    expect(Object.keys(schemas.InstanceRegistration.properties as Json).sort()).toEqual(Object.keys(registerInput.shape).sort());
    expect(schemas.InstanceRegistration.additionalProperties).toBe(false); // a strict object refuses unknown fields
    expect(Object.keys(schemas.UsageRecord.properties as Json).sort()).toEqual(Object.keys(usageRecordSchema.shape).sort());
    // The lifecycle actions share one Idempotency-Key parameter, with the rule lib/data checks.
    const keyed = operations().filter(([, , op]) => op.parameters?.some((x) => x.$ref === "#/components/parameters/IdempotencyKey"));
    expect(keyed.map(([p]) => p.split("/").pop()).sort()).toEqual(["auto-renew", "change-spec", "renew", "switch", "unsubscribe"]);
    expect(openApiDocument.components.parameters.IdempotencyKey).toMatchObject({ in: "header", required: true, schema: { minLength: 8, maxLength: 200 } });
  });

  it("money is a string with exactly 2 decimals, unit prices with exactly 6", () => {
    const amount = new RegExp(schemas.Amount.pattern as string);
    expect(["12.50", "-0.38", "0.00"].every((s) => amount.test(s))).toBe(true);
    expect(["12.5", "12", "12.500", "1e3"].some((s) => amount.test(s))).toBe(false);
    const unit = new RegExp(schemas.UnitPrice.pattern as string);
    expect(unit.test("0.080800")).toBe(true);
    expect(unit.test("0.08")).toBe(false);
    // Every money field of a bill line refers to Amount, never a bare number.
    const line = schemas.BillLine.properties as Record<string, Json>;
    for (const f of ["pretaxGrossAmount", "pretaxAmount", "paymentAmount", "outstandingAmount"]) expect(line[f].$ref).toBe("#/components/schemas/Amount");
    // No response carries a JSON number (usage records may send quantities as numbers).
    const REQUESTS = ["InstanceRegistration", "UsageRecord", "UsageBatch", "AlertRuleInput", "BudgetInput", "WebhookEndpointInput", "WebhookEndpointUpdate"];
    for (const [name, schema] of Object.entries(schemas).filter(([n]) => !REQUESTS.includes(n))) {
      expect(JSON.stringify(schema), name).not.toMatch(/"type":(\[[^\]]*)?"number"/);
    }
  });

  it("every list answers with the envelope {data, nextToken, totalCount}", () => {
    const lists = ["/api/v1/orders", "/api/v1/account/ledger", "/api/v1/alerts", "/api/v1/instances", "/api/v1/webhook-endpoints"];
    for (const p of lists) {
      const schema = paths[p].get!.responses["200"] as { content: Record<string, { schema: Json }> };
      expect(schema.content["application/json"].schema.required, p).toEqual(["data", "nextToken", "totalCount"]);
    }
    expect(schemas.BillLinePage.required).toEqual(["data", "nextToken", "totalCount", "totals"]);
  });

  it("states the rules a client needs: money, lists, errors, auth, idempotency, CSRF", () => {
    const d = openApiDocument.info.description;
    for (const words of ["exactly 2 decimals", "exactly 6 decimals", "{data, nextToken, totalCount}", "{error: {code, message, details?}}", "Bearer", "Idempotency-Key", "Origin", "Content-Type: application/json"]) {
      expect(d).toContain(words);
    }
  });

  it("every $ref points at a component", () => {
    const text = JSON.stringify(openApiDocument);
    const refs = [...text.matchAll(/"\$ref":"#\/components\/(\w+)\/(\w+)"/g)];
    expect(refs.length).toBeGreaterThan(50);
    for (const [, kind, name] of refs) {
      const group = openApiDocument.components[kind as keyof typeof openApiDocument.components] as Record<string, unknown>;
      expect(group?.[name], `#/components/${kind}/${name}`).toBeDefined();
    }
  });
});
