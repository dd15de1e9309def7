// OpenAPI entries for alerts, budgets, the forecast and webhook endpoints,
// merged into the document by openapi.ts.
import type { Operation, Parameter, PathItem, Ref, Response, Schema } from "./openapi";
import { WEBHOOK_EVENT_TYPES } from "@/lib/webhooks/outbox";
import { FORECAST_METHOD } from "@/lib/alerts/forecast";

const ref = (name: string): Ref => ({ $ref: `#/components/schemas/${name}` });
const err = (name: string): Ref => ({ $ref: `#/components/responses/${name}` });
const json = (schema: Schema | Ref) => ({ "application/json": { schema } });
const ok = (description: string, schema: Schema | Ref): Response => ({ description, content: json(schema) });
const data = (schema: Schema | Ref): Schema => ({ type: "object", properties: { data: schema }, required: ["data"] });
const list = (name: string): Schema => ({
  type: "object",
  properties: {
    data: { type: "array", items: ref(name) },
    nextToken: { type: ["string", "null"], description: "Pass as nextToken for the next page; null on the last page" },
    totalCount: { type: "integer", description: "Rows matching the query, over all pages" },
  },
  required: ["data", "nextToken", "totalCount"],
});
const nextToken = { name: "nextToken", in: "query" as const, description: "The previous page's nextToken", schema: { type: "string" as const } };
const money = (description: string): Schema => ({ type: "string", pattern: "^-?\\d+\\.\\d{2}$", description });
const nullableMoney = (description: string): Schema => ({ type: ["string", "null"], pattern: "^-?\\d+\\.\\d{2}$", description });
const id = (name = "id"): Parameter => ({ name, in: "path", required: true, schema: { type: "string" } });
const READ = { "400": err("BadRequest"), "401": err("Unauthenticated"), "403": err("Forbidden"), "429": err("TooManyRequests") };
const WRITE = { ...READ, "404": err("NotFound"), "409": err("Conflict") };
const op = (tag: string, o: Omit<Operation, "tags">): Operation => ({ tags: [tag], ...o });
const percents: Schema = { type: "array", items: { type: "integer", minimum: 1, maximum: 1000 }, maxItems: 10 };

export const alertsTags = [
  { name: "Alerts", description: "Low balance, budgets (actual and forecast thresholds), overdue warnings; each crossing fires once" },
  { name: "Webhooks", description: "Signed event deliveries (HMAC-SHA256 over `${timestamp}.${body}`, header Billing-Signature: t=…,v1=…), retried for 24 h" },
];

export const alertsSchemas: Record<string, Schema> = {
  AlertRule: {
    type: "object",
    properties: {
      id: { type: "string" },
      kind: { type: "string", enum: ["low_balance", "budget", "overdue"] },
      name: { type: "string" },
      amount: nullableMoney("low_balance: the available-credit floor; budget: the monthly amount"),
      productId: { type: ["string", "null"], description: "budget: one product, or null for the whole account" },
      actualThresholds: { ...percents, description: "budget: percents of the amount on actual spend" },
      forecastThresholds: { ...percents, description: "budget: percents of the amount on the cycle-end forecast" },
      createdAt: { type: "string", format: "date-time" },
    },
    required: ["id", "kind", "name", "amount", "productId", "actualThresholds", "forecastThresholds", "createdAt"],
  },
  Budget: {
    allOf: [ref("AlertRule")],
    type: "object",
    properties: {
      cycle: { type: "string" },
      spendToDate: money("This cycle's spend in the budget's scope"),
      forecast: money("Forecast of the cycle's end spend in the budget's scope"),
      forecastMethod: { type: "string" },
    },
  },
  AlertRuleInput: {
    type: "object",
    properties: {
      kind: { type: "string", enum: ["low_balance", "budget", "overdue"] },
      name: { type: "string", maxLength: 120 },
      amount: { type: "string", description: "Decimal string, at most 2 decimals (low_balance, budget)" },
      productId: { type: ["string", "null"] },
      actualThresholds: { ...percents, default: [50, 80, 100] },
      forecastThresholds: { ...percents, default: [100] },
    },
    required: ["kind"],
  },
  Alert: {
    type: "object",
    properties: {
      id: { type: "string" },
      ruleId: { type: "string" },
      kind: { type: "string", enum: ["low_balance", "budget", "overdue"] },
      key: { type: "string", description: "The crossing: e.g. actual:80:2026-03, low, overdue:<since>, resource:<id>:released:<at>:24h" },
      title: { type: "string" },
      message: { type: "string" },
      at: { type: "string", format: "date-time", description: "The billing instant of the crossing" },
      createdAt: { type: "string", format: "date-time" },
      data: { type: "object" },
      unread: { type: "boolean" },
    },
    required: ["id", "ruleId", "kind", "key", "title", "message", "at", "createdAt", "data", "unread"],
  },
  Forecast: {
    type: "object",
    properties: {
      asOf: { type: "string", format: "date-time" },
      currency: { type: "string" },
      cycle: { type: "string" },
      spendToDate: money("Spend of the cycle so far"),
      amount: money("Forecast of the cycle's end spend"),
      runRatePerDay: money("Pay-as-you-go per day over the last 7 days"),
      daysLeft: { type: "string" },
      method: { type: "string", description: FORECAST_METHOD },
    },
    required: ["asOf", "currency", "cycle", "spendToDate", "amount", "runRatePerDay", "daysLeft", "method"],
  },
  WebhookEndpoint: {
    type: "object",
    properties: {
      id: { type: "string" },
      url: { type: "string", format: "uri" },
      description: { type: "string" },
      events: { type: "array", items: { type: "string", enum: [...WEBHOOK_EVENT_TYPES] } },
      enabled: { type: "boolean" },
      secretHint: { type: "string" },
      secret: { type: "string", description: "Only in the creation response" },
      createdAt: { type: "string", format: "date-time" },
    },
    required: ["id", "url", "description", "events", "enabled", "secretHint", "createdAt"],
  },
  WebhookEndpointInput: {
    type: "object",
    properties: {
      url: { type: "string", description: "http(s); private, loopback and link-local targets are refused" },
      events: { type: "array", minItems: 1, items: { type: "string", enum: [...WEBHOOK_EVENT_TYPES] } },
      description: { type: "string", maxLength: 200 },
      enabled: { type: "boolean", description: "PATCH only" },
    },
  },
  WebhookDelivery: {
    type: "object",
    properties: {
      id: { type: "string" },
      eventId: { type: "string", description: "Stable across retries and resends: de-duplicate on it" },
      eventType: { type: "string" },
      occurredAt: { type: "string", format: "date-time" },
      status: { type: "string", enum: ["pending", "succeeded", "failed"] },
      attempts: { type: "integer" },
      nextAttemptAt: { type: ["string", "null"], format: "date-time" },
      lastStatusCode: { type: ["integer", "null"] },
      lastError: { type: ["string", "null"] },
      deliveredAt: { type: ["string", "null"], format: "date-time" },
      createdAt: { type: "string", format: "date-time" },
      log: { type: "array", items: { type: "object", properties: { at: { type: "string" }, statusCode: { type: ["integer", "null"] }, error: { type: ["string", "null"] }, durationMs: { type: "integer" } } } },
    },
    required: ["id", "eventId", "eventType", "status", "attempts", "log"],
  },
};

export const alertsPaths: Record<string, PathItem> = {
  "/api/v1/alerts": {
    get: op("Alerts", {
      operationId: "listAlerts",
      summary: "Fired alerts, newest first",
      parameters: [
        { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 200, default: 50 } },
        nextToken,
      ],
      responses: { "200": ok("Alerts", list("Alert")), ...READ },
    }),
  },
  "/api/v1/alerts/read": {
    post: op("Alerts", { operationId: "markAlertsRead", summary: "Mark every alert so far as read (signed-in users)", responses: { "200": ok("Read", { type: "object", properties: { readUntil: { type: "string" } } }), ...WRITE } }),
  },
  "/api/v1/alert-rules": {
    get: op("Alerts", {
      operationId: "listAlertRules",
      summary: "Alert rules of every kind",
      parameters: [{ name: "kind", in: "query", schema: { type: "string", enum: ["low_balance", "budget", "overdue"] } }],
      responses: { "200": ok("Rules", list("AlertRule")), ...READ },
    }),
    post: op("Alerts", {
      operationId: "createAlertRule",
      summary: "Create a rule (admin or finance key)",
      requestBody: { required: true, content: json(ref("AlertRuleInput")) },
      responses: { "201": ok("Created", data(ref("AlertRule"))), ...WRITE },
    }),
  },
  "/api/v1/alert-rules/{id}": {
    get: op("Alerts", { operationId: "getAlertRule", summary: "One rule", parameters: [id()], responses: { "200": ok("The rule", data(ref("AlertRule"))), ...WRITE } }),
    delete: op("Alerts", { operationId: "deleteAlertRule", summary: "Delete a rule (admin or finance key)", parameters: [id()], responses: { "200": ok("Deleted", { type: "object", properties: { deleted: { type: "string" } } }), ...WRITE } }),
  },
  "/api/v1/budgets": {
    get: op("Alerts", { operationId: "listBudgets", summary: "Budgets with this cycle's spend and forecast", responses: { "200": ok("Budgets", list("Budget")), ...READ } }),
    post: op("Alerts", {
      operationId: "createBudget",
      summary: "Create a monthly budget (admin or finance key)",
      requestBody: { required: true, content: json(ref("AlertRuleInput")) },
      responses: { "201": ok("Created", data(ref("AlertRule"))), ...WRITE },
    }),
  },
  "/api/v1/budgets/{id}": {
    get: op("Alerts", { operationId: "getBudget", summary: "One budget", parameters: [id()], responses: { "200": ok("The budget", data(ref("AlertRule"))), ...WRITE } }),
    delete: op("Alerts", { operationId: "deleteBudget", summary: "Delete a budget (admin or finance key)", parameters: [id()], responses: { "200": ok("Deleted", { type: "object", properties: { deleted: { type: "string" } } }), ...WRITE } }),
  },
  "/api/v1/account/forecast": {
    get: op("Alerts", { operationId: "getForecast", summary: "Forecast of the cycle's end spend, with its method", responses: { "200": ok("Forecast", data(ref("Forecast"))), ...READ } }),
  },
  "/api/v1/webhook-endpoints": {
    get: op("Webhooks", { operationId: "listWebhookEndpoints", summary: "Endpoints (admin key; secrets are not returned)", responses: { "200": ok("Endpoints", list("WebhookEndpoint")), ...READ } }),
    post: op("Webhooks", {
      operationId: "createWebhookEndpoint",
      summary: "Create an endpoint (admin key); the response has the signing secret, once",
      requestBody: { required: true, content: json(ref("WebhookEndpointInput")) },
      responses: { "201": ok("Created", data(ref("WebhookEndpoint"))), ...WRITE },
    }),
  },
  "/api/v1/webhook-endpoints/{id}": {
    get: op("Webhooks", { operationId: "getWebhookEndpoint", summary: "One endpoint (admin key)", parameters: [id()], responses: { "200": ok("The endpoint", data(ref("WebhookEndpoint"))), ...WRITE } }),
    patch: op("Webhooks", {
      operationId: "updateWebhookEndpoint",
      summary: "Change url, events, description or enabled (admin key)",
      parameters: [id()],
      requestBody: { required: true, content: json(ref("WebhookEndpointInput")) },
      responses: { "200": ok("Updated", data(ref("WebhookEndpoint"))), ...WRITE },
    }),
    delete: op("Webhooks", { operationId: "deleteWebhookEndpoint", summary: "Delete an endpoint and its log (admin key)", parameters: [id()], responses: { "200": ok("Deleted", { type: "object", properties: { deleted: { type: "string" } } }), ...WRITE } }),
  },
  "/api/v1/webhook-endpoints/{id}/deliveries": {
    get: op("Webhooks", {
      operationId: "listWebhookDeliveries",
      summary: "The endpoint's delivery log, newest first, with every attempt (admin key)",
      parameters: [id(), { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 200, default: 50 } }, nextToken],
      responses: { "200": ok("Deliveries", list("WebhookDelivery")), ...WRITE },
    }),
  },
  "/api/v1/webhook-endpoints/{id}/deliveries/{deliveryId}/resend": {
    post: op("Webhooks", {
      operationId: "resendWebhookDelivery",
      summary: "Send the delivery's event again, same event id (admin key)",
      parameters: [id(), id("deliveryId")],
      responses: { "201": ok("Resent", data({ type: "object", properties: { id: { type: "string" }, eventId: { type: "string" }, status: { type: "string" } } })), ...WRITE },
    }),
  },
};
