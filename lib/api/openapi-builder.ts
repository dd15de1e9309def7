// Turns operation specs written with zod schemas into OpenAPI 3.1 objects,
// with zod 4's own JSON Schema output. Schemas that carry an id in zod's
// global registry (`.meta({ id })`, or `register` below for lib/data's
// request schemas) become #/components/schemas/<id> and are referenced.
import { z } from "zod";

export type Json = Record<string, unknown>;
export const HTTP_METHODS = ["get", "post", "put", "patch", "delete"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface Parameter {
  name: string;
  in: "query" | "path" | "header";
  required?: boolean;
  description?: string;
  schema: Json;
  style?: "form";
  explode?: boolean;
}
export type Ref = { $ref: string };

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  /** Also answers text/csv (a streamed file). */
  csv?: boolean;
}

export interface OperationSpec {
  tag: string;
  operationId: string;
  summary: string;
  description?: string;
  /** No API key needed (only the document itself). */
  public?: boolean;
  /** The zod schema the handler parses the query string with. */
  query?: z.ZodType;
  /** Descriptions of the query schema's fields; naming a field it lacks is an error. */
  queryDocs?: Record<string, string>;
  /** Query parameters the route reads outside the schema. */
  extraQuery?: Parameter[];
  headers?: (Parameter | Ref)[];
  body?: z.ZodType;
  responses: Record<string, ResponseSpec | Ref>;
}
export type PathSpecs = Record<string, Partial<Record<HttpMethod, OperationSpec>>>;

/** Give one of lib/data's schemas a component name, without touching the schema. */
export function register<T extends z.ZodType>(schema: T, id: string, description?: string): T {
  z.globalRegistry.add(schema, { id, ...(description ? { description } : {}) });
  return schema;
}

/**
 * Describe fields of an object schema that lives elsewhere (each field must
 * exist): a description, or JSON Schema keywords such as format.
 */
export function describeFields(schema: z.ZodObject, docs: Record<string, string | z.GlobalMeta>): void {
  for (const [name, doc] of Object.entries(docs)) {
    const field = schema.shape[name];
    if (!field) throw new Error(`OpenAPI: ${name} is not a field of the schema it describes`);
    z.globalRegistry.add(field, { ...z.globalRegistry.get(field), ...(typeof doc === "string" ? { description: doc } : doc) });
  }
}

const REF = (id: string) => `#/components/schemas/${id}`;
/**
 * Input side (what a client sends; responses have no transforms). A field is
 * required when the schema refuses it missing: a preprocess that fills in a
 * value (boolish) makes it optional, though zod marks it required.
 */
const OPTIONS = {
  io: "input",
  unrepresentable: "any",
  override: ({ zodSchema, jsonSchema }: { zodSchema: unknown; jsonSchema: Json }) => {
    if (!(zodSchema instanceof z.ZodObject)) return;
    const required = Object.entries(zodSchema.shape as Record<string, z.ZodType>)
      .filter(([, field]) => !field.safeParse(undefined).success)
      .map(([name]) => name);
    if (required.length) jsonSchema.required = required;
    else delete jsonSchema.required;
  },
} as const;

/** Drop JSON-Schema-only keys and the ±2^53 bounds zod adds to every integer. */
function tidy(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(tidy);
  if (!node || typeof node !== "object") return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === "$schema" || k === "$id" || k === "$defs") continue;
    if ((k === "maximum" && v === Number.MAX_SAFE_INTEGER) || (k === "minimum" && v === Number.MIN_SAFE_INTEGER)) continue;
    if (k === "$ref" && typeof v === "string") out[k] = v.replace("#/$defs/", "#/components/schemas/");
    else out[k] = tidy(v);
  }
  return out;
}

/** One schema as JSON Schema; a registered one becomes a $ref. */
export function jsonSchema(schema: z.ZodType): Json {
  const id = z.globalRegistry.get(schema)?.id;
  if (id) return { $ref: REF(id) };
  return tidy(z.toJSONSchema(schema, OPTIONS)) as Json;
}

/**
 * The registered schemas that `roots` (paths, responses…) reference, directly
 * or through each other, for components.schemas. Two documents (/api/v1 and
 * /api/ops/v1) share zod's one registry, so each takes only what it uses.
 */
export function componentSchemas(...roots: unknown[]): Record<string, Json> {
  const { schemas } = z.toJSONSchema(z.globalRegistry, { ...OPTIONS, uri: REF });
  const all = tidy(schemas) as Record<string, Json>;
  const picked: Record<string, Json> = {};
  const visit = (node: unknown) => {
    for (const [, id] of JSON.stringify(node).matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
      if (picked[id] || !all[id]) continue;
      picked[id] = all[id];
      visit(all[id]);
    }
  };
  roots.forEach(visit);
  return Object.fromEntries(Object.keys(all).filter((id) => picked[id]).map((id) => [id, picked[id]]));
}

/** The fields of a query schema: an object's, or the union of a discriminated union's options. */
function queryFields(schema: z.ZodType): Map<string, { field: z.ZodType; required: boolean }> {
  const objects = schema instanceof z.ZodDiscriminatedUnion ? (schema.options as z.ZodObject[]) : [schema as z.ZodObject];
  const fields = new Map<string, { field: z.ZodType; required: boolean }>();
  for (const [i, o] of objects.entries()) {
    if (!(o instanceof z.ZodObject)) throw new Error("OpenAPI: a query schema must be an object or a discriminated union of objects");
    for (const [name, field] of Object.entries(o.shape as Record<string, z.ZodType>)) {
      const required = !field.safeParse(undefined).success && objects.every((other) => name in other.shape);
      if (!fields.has(name) || i === 0) fields.set(name, { field, required });
    }
  }
  return fields;
}

/** A discriminated union's key takes any of its options' values. */
function discriminator(schema: z.ZodType): { name: string; values: unknown[] } | null {
  if (!(schema instanceof z.ZodDiscriminatedUnion)) return null;
  const name = schema.def.discriminator;
  return { name, values: (schema.options as z.ZodObject[]).map((o) => (o.shape[name] as z.ZodLiteral).value) };
}

function queryParameters(spec: OperationSpec): Parameter[] {
  if (!spec.query) return [];
  const fields = queryFields(spec.query);
  for (const name of Object.keys(spec.queryDocs ?? {})) {
    if (!fields.has(name)) throw new Error(`OpenAPI ${spec.operationId}: queryDocs names ${name}, which the query schema lacks`);
  }
  const key = discriminator(spec.query);
  return [...fields].map(([name, { field, required }]) => {
    const schema = key?.name === name ? { type: "string", enum: key.values } : jsonSchema(field);
    const description = spec.queryDocs?.[name] ?? (typeof schema.description === "string" ? schema.description : undefined);
    delete schema.description;
    const multi = schema.type === "array";
    return {
      name,
      in: "query",
      ...(required ? { required } : {}),
      ...(description ? { description } : {}),
      schema,
      ...(multi ? { style: "form" as const, explode: true } : {}),
    };
  });
}

function pathParameters(path: string): Parameter[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string", maxLength: 200 } }));
}

function response(r: ResponseSpec | Ref): Json {
  if ("$ref" in r) return r;
  const content: Json = {};
  if (r.schema) content["application/json"] = { schema: jsonSchema(r.schema) };
  if (r.csv) content["text/csv"] = { schema: { type: "string" } };
  return { description: r.description, ...(Object.keys(content).length ? { content } : {}) };
}

function operation(path: string, spec: OperationSpec): Json {
  const parameters = [...pathParameters(path), ...(spec.headers ?? []), ...queryParameters(spec), ...(spec.extraQuery ?? [])];
  return {
    operationId: spec.operationId,
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    tags: [spec.tag],
    ...(spec.public ? { security: [] } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(spec.body ? { requestBody: { required: !spec.body.safeParse({}).success, content: { "application/json": { schema: jsonSchema(spec.body) } } } } : {}),
    responses: Object.fromEntries(Object.entries(spec.responses).map(([status, r]) => [status, response(r)])),
  };
}

export function buildPaths(specs: PathSpecs): Record<string, Partial<Record<HttpMethod, Json>>> {
  return Object.fromEntries(
    Object.entries(specs).map(([path, item]) => [
      path,
      Object.fromEntries(Object.entries(item).map(([method, spec]) => [method, operation(path, spec!)])),
    ]),
  );
}
