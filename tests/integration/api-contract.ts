// Checks real API responses against the response schemas the OpenAPI document
// is generated from: each field the document names has its documented type
// and format (zod parse), and no field is left undocumented (shape walk).
import { z } from "zod";
import type { HttpMethod, OperationSpec, PathSpecs, ResponseSpec } from "@/lib/api/openapi-builder";
import { corePaths } from "@/lib/api/openapi-paths";
import { alertsPaths } from "@/lib/api/openapi-paths-alerts";
import { opsPaths } from "@/lib/api/openapi-ops";
import type { ApiResponse } from "./api-client";

// /api/v1 and the operator API (/api/ops/v1): their paths do not overlap.
const specs: PathSpecs = { ...corePaths, ...alertsPaths, ...opsPaths };

function operationOf(method: string, pathname: string): OperationSpec | undefined {
  const parts = pathname.split("/");
  for (const [template, item] of Object.entries(specs)) {
    const want = template.split("/");
    if (want.length === parts.length && want.every((w, i) => /^\{\w+\}$/.test(w) || w === parts[i])) {
      const op = item[method.toLowerCase() as HttpMethod];
      if (op) return op;
    }
  }
  return undefined;
}

/** Paths of fields present in `value` that `schema` does not name. */
function undocumented(schema: z.ZodType, value: unknown, at: string): string[] {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) return value == null ? [] : undocumented(schema.unwrap() as z.ZodType, value, at);
  if (schema instanceof z.ZodUnion) {
    const fits = (schema.options as z.ZodType[]).filter((o) => o.safeParse(value).success);
    return fits.length ? undocumented(fits[0], value, at) : [];
  }
  if (schema instanceof z.ZodArray && Array.isArray(value)) return value.flatMap((v, i) => undocumented(schema.element as z.ZodType, v, `${at}[${i}]`));
  if (schema instanceof z.ZodObject && value && typeof value === "object") {
    const shape = schema.shape as Record<string, z.ZodType>;
    return Object.entries(value).flatMap(([k, v]) => (k in shape ? undocumented(shape[k], v, `${at}.${k}`) : [`${at}.${k}`]));
  }
  return []; // records and scalars: nothing more to name
}

/** Every JSON response that breaks its operation's documented schema, as readable lines. */
export function contractViolations(responses: ApiResponse[]): { checked: Set<string>; violations: string[] } {
  const checked = new Set<string>();
  const violations: string[] = [];
  for (const r of responses) {
    const url = new URL(r.path, "http://localhost");
    const op = operationOf(r.method, url.pathname);
    const where = `${r.method} ${r.path} → ${r.status}`;
    if (!op) {
      violations.push(`${where}: not in the OpenAPI document`);
      continue;
    }
    const documented = op.responses[String(r.status)];
    if (!documented) {
      violations.push(`${where}: status not documented`);
      continue;
    }
    // Shared error responses ($ref) are the error tests' business; a CSV answer has no JSON to check.
    if ("$ref" in documented || typeof r.json !== "object") continue;
    const schema = (documented as ResponseSpec).schema;
    if (!schema) continue;
    checked.add(`${r.method} ${op.operationId}`);
    const parsed = schema.safeParse(r.json);
    if (!parsed.success) violations.push(...parsed.error.issues.map((i) => `${where}: ${i.path.join(".")}: ${i.message}`));
    violations.push(...undocumented(schema, r.json, "$").map((p) => `${where}: ${p} is not documented`));
  }
  return { checked, violations };
}
