// The OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json.
// Generated from zod: request parameters and bodies are the schemas lib/data
// validates with (openapi-paths*.ts), responses the shapes in schemas*.ts, so
// the document and the code cannot drift. lib/api/openapi.test.ts lints it with
// Redocly and checks that every route file is in it.
import { buildPaths, componentSchemas, HTTP_METHODS, type Json } from "./openapi-builder";
import { corePaths, IdempotencyKey } from "./openapi-paths";
import { alertsPaths } from "./openapi-paths-alerts";

export { HTTP_METHODS };

const errorResponse = (description: string, extra: Json = {}) => ({
  description,
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
  ...extra,
});

const DESCRIPTION = [
  "Bills, usage and resources of one account (the API key's). Field names follow the provider's billing API vocabulary.",
  "**Money.** Every amount, balance, limit and quota in money is a decimal string with exactly 2 decimals (`^-?\\d+\\.\\d{2}$`, e.g. \"12.50\"), never a JSON number. Unit prices are rates with exactly 6 decimals (\"0.080800\"), never rounded to cents; each charge is computed from them and rounded once, half-up, to 2 decimals, and every total is the sum of rounded charges. Quantities have up to 6 decimals.",
  "**Lists.** Every list answers with one envelope: `{data, nextToken, totalCount}` (plus `totals` where rows carry amounts, summed over all pages); pass nextToken back for the next page, it is null on the last one.",
  "**Errors.** `{error: {code, message, details?}}`: 400 bad input (the message names the parameter or records[index].field; nothing was written), 401 no valid key, 403 the key's role does not allow it, 404 not in the caller's account, 409 conflicts with the current state, 429 too many requests (Retry-After).",
  "**Authentication.** `Authorization: Bearer <key>`: the key decides the account and the role (admin, finance or viewer). The console's own pages may call with their session cookie instead; a write made with the cookie must carry this site's Origin and Content-Type: application/json, else it is refused (403/415), so another site cannot make a signed-in browser write. Key-authenticated calls are not affected.",
  "**Idempotency.** Writes that charge or refund (lifecycle actions, top-ups) require an Idempotency-Key header: a retry with the same key returns the first result and charges nothing again; the same key with other parameters is 409. Usage records are idempotent per record id.",
].join("\n\n");

const paths = buildPaths({ ...corePaths, ...alertsPaths });
const responses = {
  BadRequest: errorResponse("Bad input; the message names the parameter, or records[index].field; nothing was written"),
  Unauthenticated: errorResponse("No valid API key (Authorization: Bearer <key>)"),
  Forbidden: errorResponse("The key's role does not allow this, or a cookie-authenticated write came from another origin"),
  NotFound: errorResponse("Not found in the caller's account (another account's ids read as unknown)"),
  Conflict: errorResponse("Conflicts with the current state (duplicate id with other content, already released, clock backwards, overdue, an Idempotency-Key reused with other parameters…)"),
  TooManyRequests: errorResponse("Too many requests", { headers: { "retry-after": { description: "Seconds to wait", schema: { type: "integer" } } } }),
};

export const openApiDocument = {
  openapi: "3.1.0" as const,
  info: { title: "Billing Console API", version: "1.0.0", description: DESCRIPTION },
  servers: [{ url: "/" }],
  security: [{ bearerAuth: [] as string[] }],
  tags: [
    { name: "Resources", description: "Resource events from product services" },
    { name: "Usage", description: "Metered usage ingestion" },
    { name: "Bills", description: "Bill lines, bills and the account's money" },
    { name: "Lifecycle", description: "Admin actions: quote, switch, renew, auto-renew, unsubscribe, upgrade/downgrade; orders" },
    { name: "Alerts", description: "Low balance, budgets (actual and forecast thresholds), overdue warnings; each crossing fires once" },
    { name: "Webhooks", description: "Signed event deliveries (HMAC-SHA256 over `${timestamp}.${body}`, header Billing-Signature: t=…,v1=…), retried for 24 h" },
    { name: "Testing", description: "Test clocks (BILLING_TEST_CLOCK=1 only)" },
    { name: "Meta", description: "This document" },
  ],
  paths,
  components: {
    securitySchemes: {
      bearerAuth: { type: "http", scheme: "bearer", description: "An API key of the account: Authorization: Bearer <key>" },
    },
    // Built last: every schema the paths reference is registered by now.
    schemas: componentSchemas(paths, responses, IdempotencyKey),
    responses,
    parameters: { IdempotencyKey },
  },
};
export type OpenApiDocument = typeof openApiDocument;
