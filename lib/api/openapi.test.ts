// The OpenAPI document must describe exactly the routes that exist: every
// route file under app/api/v1 has its path and methods, and every documented
// path and method has a route file exporting it.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { billLinesQuerySchema } from "@/lib/data/bill-lines";
import { billsQuerySchema } from "@/lib/data/bills";
import { HTTP_METHODS, openApiDocument, type Parameter, type Ref } from "./openapi";

const API_ROOT = path.join(process.cwd(), "app", "api", "v1");

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
  return new Map(
    Object.entries(openApiDocument.paths).map(([p, item]) => [p, HTTP_METHODS.filter((m) => item[m]).map(String).sort()]),
  );
}

function resolveParam(p: Parameter | Ref): Parameter {
  if (!("$ref" in p)) return p;
  return openApiDocument.components.parameters[p.$ref.split("/").pop()!];
}

describe("OpenAPI document", () => {
  it("is OpenAPI 3.1 with bearer security and the error schema", () => {
    expect(openApiDocument.openapi).toBe("3.1.0");
    expect(openApiDocument.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    expect(openApiDocument.components.schemas.Error.required).toEqual(["error"]);
    expect(Object.keys(openApiDocument.components.responses)).toEqual(
      expect.arrayContaining(["BadRequest", "Unauthenticated", "Forbidden", "NotFound", "Conflict", "TooManyRequests"]),
    );
  });

  it("every route file under app/api/v1 is documented with its methods", () => {
    const docs = documented();
    for (const [p, methods] of routesOnDisk()) {
      expect(docs.has(p), `${p} is missing from lib/api/openapi.ts`).toBe(true);
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

  it("only the document itself is public", () => {
    for (const [p, item] of Object.entries(openApiDocument.paths)) {
      for (const m of HTTP_METHODS) {
        const op = item[m];
        if (!op) continue;
        if (p === "/api/v1/openapi.json") expect(op.security).toEqual([]);
        else {
          expect(op.security, `${m} ${p}`).toBeUndefined(); // inherits the global bearer requirement
          expect(op.responses["401"], `${m} ${p} documents 401`).toBeDefined();
        }
      }
    }
  });

  it("documents every query parameter the read endpoints accept", () => {
    const names = (p: string) => new Set((openApiDocument.paths[p].get!.parameters ?? []).map((x) => resolveParam(x).name));
    expect(names("/api/v1/bill-lines")).toEqual(new Set(Object.keys(billLinesQuerySchema.shape)));
    expect(names("/api/v1/bills")).toEqual(new Set(Object.keys(billsQuerySchema.shape)));
  });

  it("every $ref points at a component", () => {
    const text = JSON.stringify(openApiDocument);
    for (const [, kind, name] of text.matchAll(/"\$ref":"#\/components\/(\w+)\/(\w+)"/g)) {
      const group = openApiDocument.components[kind as keyof typeof openApiDocument.components] as Record<string, unknown>;
      expect(group?.[name], `#/components/${kind}/${name}`).toBeDefined();
    }
  });
});
