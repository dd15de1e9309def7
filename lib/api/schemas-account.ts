// Response shapes of the account, catalog, test-clock, alert and webhook
// routes in zod (see schemas.ts).
import { z } from "zod";
import { ALERT_KINDS, BILLING_METHODS, CURRENCIES, INSTANCE_STATUSES } from "@/db/schema";
import { createInput as webhookInput } from "@/lib/data/webhooks";
import { Amount, amount, Decimal, instant, int, ninstant, nstr, Quantity, str, UnitPrice } from "./schemas";

const currency = z.enum(CURRENCIES);
const usable = z.boolean().describe("Valid now and remaining > 0");

export const Voucher = z
  .object({
    id: str("Voucher id"),
    code: str("Code"),
    faceValue: Amount,
    remaining: Amount,
    productIds: z.array(z.string()).describe("Scope; empty = every product"),
    validFrom: instant("Valid from"),
    expiresAt: instant("Expires"),
    revokedAt: ninstant("Revoked by the provider (its unused part was taken back)"),
    usable,
  })
  .meta({ id: "Voucher" });

export const Coupon = z
  .object({
    id: str("Coupon id"),
    code: str("Code"),
    discountPercent: Decimal,
    amountOff: Amount.nullable().describe("A fixed amount off each line or order instead of the percentage; null: percent coupon"),
    remaining: Amount,
    usageLimit: z.number().int().nullable().describe("Lines or orders it may apply to; null: no limit"),
    timesUsed: int("Lines or orders it has applied to"),
    productIds: z.array(z.string()).describe("Scope; empty = every product"),
    validFrom: instant("Valid from"),
    expiresAt: instant("Expires"),
    revokedAt: ninstant("Revoked by the provider (its unused part was taken back)"),
    usable,
  })
  .meta({ id: "Coupon" });

export const AccountSummary = z
  .object({
    accountId: str("Account id"),
    name: str("Account name"),
    currency,
    timeZone: str("IANA zone of the billing cycles"),
    asOf: instant("The account's clock"),
    balance: amount("Σ ledger entries (never stored)"),
    creditLimit: amount("Credit (overdraft) limit"),
    usableVoucherAmount: amount("Σ remaining of usable vouchers"),
    usableCouponAmount: amount("Σ remaining of usable coupons"),
    outstandingAmount: amount("Σ bill lines' outstanding + Σ (payable − paid) of unpaid orders"),
    outstanding: z.object({ billLines: Amount, orders: Amount }),
    availableCredit: amount("balance + usableVoucherAmount + usableCouponAmount + creditLimit − outstandingAmount"),
    availableCreditFormula: str("The formula above, spelled out"),
    overdue: z.object({ since: instant("Overdue since"), amount: Amount, days: int() }).nullable(),
    vouchers: z.array(Voucher),
    coupons: z.array(Coupon),
  })
  .meta({ id: "AccountSummary" });

export const OverdueStatus = z
  .object({
    asOf: instant("The account's now"),
    overdue: z
      .object({ since: instant("Overdue since: the due instant of the first charge left uncovered (for Cloud Phone, a period's end)"), amount: Amount })
      .nullable(),
    outstandingAmount: amount("Outstanding amount"),
    creditLimit: amount("Credit (overdraft) limit"),
    suspensionQuota: amount("Extended suspension quota"),
    suspensionQuotaFormula: str("How the quota is computed"),
    paygStoppedSince: ninstant("Pay-as-you-go resources stopped since"),
    resources: z.array(
      z.object({
        id: str("Instance id"),
        name: str("Name"),
        productName: str("Product"),
        status: z.enum(INSTANCE_STATUSES),
        statusSince: instant("In this state since"),
        blocked: z.array(z.enum(["create", "deploy", "restart", "change-spec", "use", "renew", "upgrade"])).describe("What the state refuses"),
        next: z.object({ status: z.enum(INSTANCE_STATUSES), at: instant("When"), cause: str("Why") }).nullable().describe("The next scheduled change"),
      }),
    ),
  })
  .meta({ id: "OverdueStatus" });

export const TopUpResult = z
  .object({
    ledgerEntryId: str("The top-up's ledger entry (on a replay, the first one's)"),
    settledLines: int("Bill lines and Cloud Phone periods paid").optional(),
    settledAmount: amount("Paid from this top-up").optional(),
    balance: amount("Balance after").optional(),
    replayed: z.boolean().describe("true: this Idempotency-Key was applied before (200); nothing was applied again"),
  })
  .meta({ id: "TopUpResult" });

export const TestClock = z.object({ now: instant("The account's clock"), frozen: z.boolean().describe("Whether a test clock is set") }).meta({ id: "TestClock" });
export const TestClockResult = z
  .object({ now: instant("The new clock"), linesRated: int(), linesSettled: int(), overdueSince: ninstant("Set when the account became overdue") })
  .meta({ id: "TestClockResult" });

// ── Catalog ──────────────────────────────────────────────────────────────────

export const CatalogPrice = z
  .object({
    id: str("Stable price id"),
    skuPriceId: str("What FOCUS exports name this price by (SkuPriceId): item, region group, spec and billing method, the same across currencies and price changes"),
    regionGroupId: nstr("Region group priced (null: every region)"),
    spec: nstr("Spec priced (null: the product has no specs)"),
    billingMethod: z.enum(BILLING_METHODS),
    unitPrice: UnitPrice,
    priceUnit: str("e.g. USD/hour, USD/month, USD/GB-month"),
    tiers: z
      .array(z.object({ upTo: Quantity.nullable(), unitPrice: UnitPrice }))
      .nullable()
      .describe("Tiered prices by cumulative quantity per cycle; the last tier is open-ended"),
    isDefault: z.boolean().describe("A figure not from the provider's pages, labelled as such"),
    note: nstr("Where a default figure comes from"),
    effectiveFrom: instant("In effect from (inclusive)"),
    effectiveTo: ninstant("In effect until (exclusive); null: open"),
    inEffect: z.boolean().describe("In effect at the account's clock"),
  })
  .meta({ id: "CatalogPrice" });

export const Catalog = z
  .object({
    currency: currency.describe("The account's currency: only its prices are listed"),
    asOf: instant("The account's clock"),
    regionGroups: z.array(
      z.object({ id: str("Group id"), scheme: str("Which products price by it"), name: str("Name"), regions: z.array(z.object({ id: str("Region id"), name: str("Name"), zones: z.array(z.string()).describe("Availability zones a resource can be registered in (zoneId)") })) }),
    ),
    products: z.array(
      z.object({
        id: str("Product code"),
        name: str("Name"),
        category: str("Category"),
        serviceCategory: str("FOCUS ServiceCategory"),
        serviceSubcategory: str("FOCUS ServiceSubcategory (one of those the FOCUS specification lists under the category)"),
        description: str("Description"),
        billingMethods: z.array(z.enum(BILLING_METHODS)),
        regionScheme: nstr("Region grouping of its prices"),
        termDiscounts: z.record(z.string(), Decimal).describe('Subscription discount by months, e.g. {"12": "0.15"}'),
        specs: z.array(z.object({ id: str("Spec id"), name: str("Name"), metadata: z.record(z.string(), z.unknown()) })),
        items: z.array(
          z.object({
            id: str("Billable item id"),
            code: str("Code (usage records may name it)"),
            name: str("Name"),
            rule: str(
              "How it is rated: phone-period, storage-gb-month, egress-tiered, traffic-free, per-scan, subscription, free, hourly, package-quota (not charged: counted against the package's quota)",
            ),
            usageUnit: str("Unit of usage"),
            quotaKey: nstr("package-quota: the spec metadata holding the quota"),
            prices: z.array(CatalogPrice),
          }),
        ),
      }),
    ),
  })
  .meta({ id: "Catalog" });

// ── Alerts and webhooks ──────────────────────────────────────────────────────

const percents = z.array(z.number().int().min(1).max(1000)).max(10);

export const AlertRule = z
  .object({
    id: z.string(),
    kind: z.enum(ALERT_KINDS),
    name: z.string(),
    amount: Amount.nullable().describe("low_balance: the available-credit floor; budget: the monthly amount"),
    productId: nstr("budget: one product, or null for the whole account"),
    actualThresholds: percents.describe("budget: percents of the amount on actual spend"),
    forecastThresholds: percents.describe("budget: percents of the amount on the cycle-end forecast"),
    createdAt: instant("Created"),
  })
  .meta({ id: "AlertRule" });

export const Budget = AlertRule.extend({
  cycle: str("The current billing cycle YYYY-MM"),
  spendToDate: amount("This cycle's spend in the budget's scope"),
  forecast: amount("Forecast of the cycle's end spend in the budget's scope"),
  forecastMethod: str("How the forecast is computed"),
}).meta({ id: "Budget" });

export const Alert = z
  .object({
    id: z.string(),
    ruleId: z.string(),
    kind: z.enum(ALERT_KINDS),
    key: str("The crossing: e.g. actual:80:2026-03, low, overdue:<since>, resource:<id>:released:<at>:24h"),
    title: z.string(),
    message: z.string(),
    at: instant("The billing instant of the crossing"),
    createdAt: instant("Recorded"),
    data: z.record(z.string(), z.unknown()),
    unread: z.boolean(),
  })
  .meta({ id: "Alert" });

export const Forecast = z
  .object({
    asOf: instant("The account's clock"),
    currency: z.string(),
    cycle: str("YYYY-MM"),
    spendToDate: amount("Spend of the cycle so far"),
    amount: amount("Forecast of the cycle's end spend"),
    runRatePerDay: amount("Pay-as-you-go per day over the last 7 days"),
    daysLeft: str("Days left in the cycle, a decimal string"),
    method: str("How the forecast is made, in words"),
  })
  .meta({ id: "Forecast" });

const eventType = webhookInput.shape.events.element;

export const WebhookEndpoint = z
  .object({
    id: z.string(),
    url: z.string().meta({ format: "uri" }),
    description: z.string(),
    events: z.array(eventType),
    enabled: z.boolean(),
    secretHint: str("The secret's first characters"),
    secret: str("The signing secret: only in the creation response").optional(),
    createdAt: instant("Created"),
  })
  .meta({ id: "WebhookEndpoint" });

export const WebhookDelivery = z
  .object({
    id: z.string(),
    eventId: str("Stable across retries and resends: de-duplicate on it"),
    eventType: z.string(),
    occurredAt: instant("When the event happened").optional(),
    status: z.enum(["pending", "succeeded", "failed"]),
    attempts: int(),
    nextAttemptAt: ninstant("Next retry").optional(),
    lastStatusCode: z.number().int().nullable().optional(),
    lastError: z.string().nullable().optional(),
    deliveredAt: ninstant("Delivered").optional(),
    createdAt: instant("Created").optional(),
    log: z.array(z.object({ at: instant("Attempted"), statusCode: z.number().int().nullable(), error: z.string().nullable(), durationMs: int() })),
  })
  .meta({ id: "WebhookDelivery" });

export const Deleted = z.object({ deleted: str("The deleted id") });
