// The OpenAPI 3.1 description of the operator API (/api/ops/v1), served at
// /api/ops/v1/openapi.json: a document of its own, since its callers (the
// provider's staff) and its keys are not the accounts'. Generated from the
// zod schemas lib/data validates with and the shapes in schemas-ops.ts.
import { z } from "zod";
import { couponInput, revokeInput, voucherInput, accountTermsInput } from "@/lib/data/operator-money";
import { adjustmentInput } from "@/lib/data/operator-adjustments";
import { buildPaths, componentSchemas, describeFields, type Json, type PathSpecs, type Ref } from "./openapi-builder";
import { ok } from "./openapi-paths";
import { OpsAccount, OpsAccountTerms, OpsAdjustment, OpsCoupon, OpsVoucher } from "./schemas-ops";
import { dataOf } from "./schemas";

describeFields(voucherInput, {
  code: "Code, unique in the account (default: generated); a retry with the same code is refused, so it is never issued twice",
  productIds: "Product scope (catalog product ids); empty or absent = every product",
  validFrom: { format: "date-time", description: "Default: the account's clock" },
  expiresAt: { format: "date-time", description: "Exclusive; after validFrom and in the future" },
  reason: "Why (required): recorded in the audit log; an adjustment's line shows it to the account",
});
describeFields(couponInput, {
  percentOff: "Percent off each line or order (0 < p ≤ 100, at most 2 decimals); give this or amountOff",
  usageLimit: "Lines, Cloud Phone periods or orders it may apply to (default: no limit)",
});
describeFields(accountTermsInput, {
  creditLimit: "New credit (overdraft) limit: a non-negative amount with at most 2 decimals",
  currency: "New currency; refused (409) once the account has bill lines or money recorded",
});
describeFields(adjustmentInput, {
  kind: "credit (money back to the account) or debit (an extra charge)",
  billingCycle: "The closed cycle (YYYY-MM) it corrects",
  productId: "The product whose bill in that cycle it corrects",
  billingMethod: "Needed only when the product has bills of several billing methods in that cycle",
});

const err = (name: string): Ref => ({ $ref: `#/components/responses/${name}` });
const ERRORS = { "400": err("BadRequest"), "401": err("Unauthenticated"), "403": err("Forbidden"), "404": err("NotFound"), "409": err("Conflict") };
const A = "/api/ops/v1/accounts/{accountId}";

const opsPathSpecs: PathSpecs = {
  "/api/ops/v1/openapi.json": {
    get: { tag: "Meta", operationId: "getOpsOpenApi", summary: "This document", public: true, responses: { "200": { description: "OpenAPI 3.1 document" } } },
  },
  [A]: {
    get: { tag: "Accounts", operationId: "getOpsAccount", summary: "An account's money, terms, vouchers, coupons and adjustments", responses: { "200": ok("The account", dataOf(OpsAccount)), ...ERRORS } },
    patch: {
      tag: "Accounts",
      operationId: "updateOpsAccountTerms",
      summary: "Change the credit (overdraft) limit and/or the currency",
      description: "The currency changes only while the account has no bill lines, ledger entries, orders, vouchers or coupons: otherwise 409 with the reason, and nothing changes. A higher limit that covers what is owed ends overdue.",
      body: accountTermsInput,
      responses: { "200": ok("The new terms", dataOf(OpsAccountTerms)), ...ERRORS },
    },
  },
  [`${A}/vouchers`]: {
    post: { tag: "Credits", operationId: "issueVoucher", summary: "Issue a voucher (cash-like credit)", body: voucherInput, responses: { "201": ok("Issued", dataOf(OpsVoucher)), ...ERRORS } },
  },
  [`${A}/vouchers/{voucherId}/revoke`]: {
    post: { tag: "Credits", operationId: "revokeVoucher", summary: "Take back a voucher's unused part (the used part stays on the lines it paid)", body: revokeInput, responses: { "200": ok("Revoked", dataOf(OpsVoucher)), ...ERRORS } },
  },
  [`${A}/coupons`]: {
    post: {
      tag: "Credits",
      operationId: "issueCoupon",
      summary: "Issue a coupon: percentOff or amountOff per line or order, up to maxValue in total and usageLimit uses",
      body: couponInput,
      responses: { "201": ok("Issued", dataOf(OpsCoupon)), ...ERRORS },
    },
  },
  [`${A}/coupons/{couponId}/revoke`]: {
    post: { tag: "Credits", operationId: "revokeCoupon", summary: "Take back a coupon's unused part", body: revokeInput, responses: { "200": ok("Revoked", dataOf(OpsCoupon)), ...ERRORS } },
  },
  [`${A}/adjustments`]: {
    get: { tag: "Adjustments", operationId: "listAdjustments", summary: "The account's manual adjustments, newest first", responses: { "200": ok("Adjustments", dataOf(z.array(OpsAdjustment))), ...ERRORS } },
    post: {
      tag: "Adjustments",
      operationId: "createAdjustment",
      summary: "Credit or debit a closed cycle",
      description:
        "Never edits the closed bill: an adjustment line goes into the cycle open now, on the product's bill. A credit is paid to the balance at once (an `adjustment` ledger entry) and pays what is outstanding oldest first; a debit is a charge due now, settled like any line (coupons, vouchers, then the balance). A cycle that is still open is 409.",
      body: adjustmentInput,
      responses: { "201": ok("Made", dataOf(OpsAdjustment)), ...ERRORS },
    },
  },
};
export const opsPaths = opsPathSpecs;

const errorResponse = (description: string): Json => ({ description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } });
const paths = buildPaths(opsPathSpecs);
const responses = {
  BadRequest: errorResponse("Bad input; the message names the field; nothing was written"),
  Unauthenticated: errorResponse("No valid operator key"),
  Forbidden: errorResponse("Not an operator: an account's API key or a console session"),
  NotFound: errorResponse("No such account, voucher, coupon or bill"),
  Conflict: errorResponse("Conflicts with the current state: the currency with money recorded, an open cycle, a code already used, already revoked"),
};

export const opsOpenApiDocument = {
  openapi: "3.1.0" as const,
  info: {
    title: "Billing Console operator API",
    version: "1.0.0",
    description: [
      "For the provider's staff, not for accounts: vouchers, coupons, credit limits, currency and manual adjustments of any account.",
      "**Authentication.** `Authorization: Bearer <operator key>`. Operator keys belong to no account and are made only with `npm run ops -- create-operator-key --name <holder>`. An account's API key or a console session gets 403.",
      "**Audit.** Every write records the operator (the key's holder), what changed and the required `reason` in the account's audit log, which the account's admins can read.",
      "**Money.** Amounts are decimal strings with exactly 2 decimals in answers (at most 2 in requests), never JSON numbers.",
      "**Errors.** `{error: {code, message, details?}}`: 400 bad input (the message names the field; nothing was written), 401 no valid operator key, 403 not an operator, 404 unknown account or instrument, 409 conflicts with the current state.",
    ].join("\n\n"),
  },
  servers: [{ url: "/" }],
  security: [{ operatorKey: [] as string[] }],
  tags: [
    { name: "Accounts", description: "An account's terms and money" },
    { name: "Credits", description: "Vouchers and coupons" },
    { name: "Adjustments", description: "Credits and debits to closed cycles" },
    { name: "Meta", description: "This document" },
  ],
  paths,
  components: {
    securitySchemes: { operatorKey: { type: "http", scheme: "bearer", description: "An operator key: Authorization: Bearer <key>" } },
    schemas: componentSchemas(paths, responses),
    responses,
  },
};
