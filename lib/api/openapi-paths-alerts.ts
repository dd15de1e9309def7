// The operations of alerts, budgets, the forecast and webhook endpoints.
import { z } from "zod";
import { ALERT_KINDS } from "@/db/schema";
import { listQuery as alertsQuery, ruleInput } from "@/lib/data/alerts";
import { createInput as webhookCreate, deliveriesQuery, updateInput as webhookUpdate } from "@/lib/data/webhooks";
import { register, type PathSpecs } from "./openapi-builder";
import { ok, READ_ERRORS, WRITE_ERRORS } from "./openapi-paths";
import { Alert, AlertRule, Budget, Deleted, Forecast, WebhookDelivery, WebhookEndpoint } from "./schemas-account";
import { dataOf, instant, listOf, str } from "./schemas";

register(ruleInput, "AlertRuleInput", "low_balance { amount }, overdue {}, or budget { amount, productId?, actualThresholds?, forecastThresholds? }; amounts are decimal strings with at most 2 decimals");
register(webhookCreate, "WebhookEndpointInput", "url: http(s); private, loopback and link-local targets are refused");
register(webhookUpdate, "WebhookEndpointUpdate", "Any of url, events, description, enabled");
const budgetInput = register(ruleInput.options[1].omit({ kind: true }), "BudgetInput", "A monthly budget; amount is a decimal string with at most 2 decimals");

const PAGE_DOCS = { limit: "Page size.", nextToken: "The previous page's nextToken." };
const deleted = ok("Deleted", Deleted);

export const alertsPaths: PathSpecs = {
  "/api/v1/alerts": {
    get: { tag: "Alerts", operationId: "listAlerts", summary: "Fired alerts, newest first", query: alertsQuery, queryDocs: PAGE_DOCS, responses: { "200": ok("Alerts", listOf(Alert)), ...READ_ERRORS } },
  },
  "/api/v1/alerts/read": {
    post: {
      tag: "Alerts",
      operationId: "markAlertsRead",
      summary: "Mark every alert so far as read (signed-in users)",
      responses: { "200": ok("Read", z.object({ readUntil: instant("Every alert up to this instant is read") })), ...WRITE_ERRORS },
    },
  },
  "/api/v1/alert-rules": {
    get: {
      tag: "Alerts",
      operationId: "listAlertRules",
      summary: "Alert rules of every kind",
      // lib/data/alerts validates kind against the same enum.
      query: z.object({ kind: z.enum(ALERT_KINDS).optional() }),
      responses: { "200": ok("Rules", listOf(AlertRule)), ...READ_ERRORS },
    },
    post: { tag: "Alerts", operationId: "createAlertRule", summary: "Create a rule (admin or finance key)", body: ruleInput, responses: { "201": ok("Created", dataOf(AlertRule)), ...WRITE_ERRORS } },
  },
  "/api/v1/alert-rules/{id}": {
    get: { tag: "Alerts", operationId: "getAlertRule", summary: "One rule", responses: { "200": ok("The rule", dataOf(AlertRule)), ...WRITE_ERRORS } },
    delete: { tag: "Alerts", operationId: "deleteAlertRule", summary: "Delete a rule (admin or finance key)", responses: { "200": deleted, ...WRITE_ERRORS } },
  },
  "/api/v1/budgets": {
    get: { tag: "Alerts", operationId: "listBudgets", summary: "Budgets with this cycle's spend and forecast", responses: { "200": ok("Budgets", listOf(Budget)), ...READ_ERRORS } },
    post: { tag: "Alerts", operationId: "createBudget", summary: "Create a monthly budget (admin or finance key)", body: budgetInput, responses: { "201": ok("Created", dataOf(AlertRule)), ...WRITE_ERRORS } },
  },
  "/api/v1/budgets/{id}": {
    get: { tag: "Alerts", operationId: "getBudget", summary: "One budget", responses: { "200": ok("The budget", dataOf(AlertRule)), ...WRITE_ERRORS } },
    delete: { tag: "Alerts", operationId: "deleteBudget", summary: "Delete a budget (admin or finance key)", responses: { "200": deleted, ...WRITE_ERRORS } },
  },
  "/api/v1/account/forecast": {
    get: { tag: "Alerts", operationId: "getForecast", summary: "Forecast of the cycle's end spend, with its method", responses: { "200": ok("Forecast", dataOf(Forecast)), ...READ_ERRORS } },
  },
  "/api/v1/webhook-endpoints": {
    get: { tag: "Webhooks", operationId: "listWebhookEndpoints", summary: "Endpoints (admin key; secrets are not returned)", responses: { "200": ok("Endpoints", listOf(WebhookEndpoint)), ...READ_ERRORS } },
    post: {
      tag: "Webhooks",
      operationId: "createWebhookEndpoint",
      summary: "Create an endpoint (admin key); the response has the signing secret, once",
      body: webhookCreate,
      responses: { "201": ok("Created", dataOf(WebhookEndpoint)), ...WRITE_ERRORS },
    },
  },
  "/api/v1/webhook-endpoints/{id}": {
    get: { tag: "Webhooks", operationId: "getWebhookEndpoint", summary: "One endpoint (admin key)", responses: { "200": ok("The endpoint", dataOf(WebhookEndpoint)), ...WRITE_ERRORS } },
    patch: {
      tag: "Webhooks",
      operationId: "updateWebhookEndpoint",
      summary: "Change url, events, description or enabled (admin key)",
      body: webhookUpdate,
      responses: { "200": ok("Updated", dataOf(WebhookEndpoint)), ...WRITE_ERRORS },
    },
    delete: { tag: "Webhooks", operationId: "deleteWebhookEndpoint", summary: "Delete an endpoint and its log (admin key)", responses: { "200": deleted, ...WRITE_ERRORS } },
  },
  "/api/v1/webhook-endpoints/{id}/deliveries": {
    get: {
      tag: "Webhooks",
      operationId: "listWebhookDeliveries",
      summary: "The endpoint's delivery log, newest first, with every attempt (admin key)",
      query: deliveriesQuery,
      queryDocs: PAGE_DOCS,
      responses: { "200": ok("Deliveries", listOf(WebhookDelivery)), ...WRITE_ERRORS },
    },
  },
  "/api/v1/webhook-endpoints/{id}/deliveries/{deliveryId}/resend": {
    post: {
      tag: "Webhooks",
      operationId: "resendWebhookDelivery",
      summary: "Send the delivery's event again, same event id (admin key)",
      responses: { "201": ok("Resent", dataOf(
            z.object({
              id: str("The new delivery"),
              eventId: str("The same event id as the original"),
              status: z.enum(["pending", "succeeded", "failed"]),
              lastStatusCode: z.number().int().nullable(),
              lastError: z.string().nullable(),
            }),
          )), ...WRITE_ERRORS },
    },
  },
};
