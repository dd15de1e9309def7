// Response shapes of /api/v1 in zod, the source of the OpenAPI document's
// component schemas (request schemas come from lib/data, where they validate).
// A schema with `.meta({ id })` becomes #/components/schemas/<id>.
import { z } from "zod";
import { BILLING_METHODS, CURRENCIES, INSTANCE_STATUSES } from "@/db/schema";
import { LEDGER_TYPES } from "@/lib/data/ledger";
import { QUOTE_STEPS } from "@/lib/lifecycle/quote";

// ── Scalars ──────────────────────────────────────────────────────────────────

export const Amount = z
  .string()
  .regex(/^-?\d+\.\d{2}$/)
  .meta({ id: "Amount", description: "Money: exact decimal string with exactly 2 decimals (never a JSON number)", examples: ["12.50"] });
export const Decimal = z.string().regex(/^-?\d+(\.\d+)?$/).meta({ id: "Decimal", description: "Exact decimal string as stored (up to 6 decimals)" });
export const Quantity = z
  .string()
  .regex(/^-?\d+(\.\d{1,6})?$/)
  .meta({ id: "Quantity", description: "Quantity: decimal string, up to 6 decimals, no trailing zeros" });
export const UnitPrice = z.string().regex(/^-?\d+\.\d{6}$/).meta({
  id: "UnitPrice",
  description: "Unit price (a rate, not an amount): decimal string with exactly 6 decimals, never rounded to cents; amounts computed from it are rounded once to 2 decimals",
  examples: ["0.080800"],
});

export const str = (description: string) => z.string().describe(description);
export const nstr = (description: string) => z.string().nullable().describe(description);
export const instant = (description: string) => z.string().meta({ format: "date-time", description });
export const ninstant = (description: string) => z.string().nullable().meta({ format: "date-time", description });
export const amount = (description: string) => Amount.describe(description);
export const int = (description?: string) => (description ? z.number().int().describe(description) : z.number().int());
const nint = (description?: string) => (description ? z.number().int().nullable().describe(description) : z.number().int().nullable());

const billingMethod = z.enum(BILLING_METHODS);
export const TagSet = z
  .record(z.string(), z.string())
  .meta({ id: "Tags", description: "User-defined tags, key → value", examples: [{ project: "atlas", env: "prod" }] });
const status = z.enum(INSTANCE_STATUSES);
const currency = z.enum(CURRENCIES);
const ORDER_TYPES = ["new", "renewal", "upgrade", "downgrade", "conversion", "refund"] as const;
const ORDER_STATUSES = ["unpaid", "paid", "cancelled", "expired"] as const;

/** The one envelope of every list: the page, the next page's token, the count over all pages. */
export const listOf = <T extends z.ZodType>(item: T) =>
  z.object({
    data: z.array(item),
    nextToken: nstr("Pass as nextToken for the next page; null on the last page"),
    totalCount: int("Rows matching the query, over all pages"),
  });
export const dataOf = <T extends z.ZodType>(item: T) => z.object({ data: item });

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().meta({ description: "Machine-readable code", examples: ["bad_request", "unauthenticated", "forbidden", "not_found", "conflict", "too_many_requests"] }),
      message: str("What went wrong, naming the parameter, record index or field"),
      details: z.unknown().optional().describe("Structured details, e.g. {issues: [{path|index, field, message}]}"),
    }),
  })
  .meta({ id: "Error" });

// ── Money columns of lines and bills ─────────────────────────────────────────

const AMOUNT_FIELDS = {
  pretaxGrossAmount: "Original (list) amount",
  invoiceDiscount: "Discount",
  pretaxAmount: "Pretax amount payable (original − discount)",
  deductedByResourcePackage: "Offset by resource plans",
  deductedByCoupons: "Deducted by coupons",
  deductedByCashCoupons: "Deducted by vouchers",
  paymentAmount: "Paid from the cash balance",
  outstandingAmount: "Still owed",
} as const;
type AmountField = keyof typeof AMOUNT_FIELDS;
const amounts = (nullableDeductions = false) =>
  Object.fromEntries(
    Object.entries(AMOUNT_FIELDS).map(([name, d]) => [
      name,
      nullableDeductions && name.startsWith("deductedBy") ? Amount.nullable().describe(`${d}; null for orders, which record only what was paid`) : amount(d),
    ]),
  ) as unknown as Record<AmountField, z.ZodType>;

export const Totals = z.object(amounts()).meta({ id: "Totals", description: "Sums over ALL rows matching the query (not just the page), of the rounded line amounts" });

// ── Resources and orders ─────────────────────────────────────────────────────

export const Instance = z
  .object({
    accountId: str("Owning account"),
    id: str("Instance id"),
    productId: str("Product code"),
    productName: nstr("Product name (GET only)").optional(),
    name: str("Display name"),
    spec: nstr("Spec, e.g. acp.std.small").optional(),
    regionId: str("Region id"),
    regionName: nstr("Region name (GET only)").optional(),
    instanceCount: z.number().int().min(1),
    billingMethod,
    status,
    createdAt: instant("Created"),
    billingAnchorAt: instant("Pay-as-you-go periods align to this instant").optional(),
    expiresAt: ninstant("Subscription end").optional(),
    releasedAt: ninstant("Released at").optional(),
    statusSince: instant("Current status since").optional(),
    autoRenew: z.boolean().optional(),
    autoRenewMonths: z.number().int().optional(),
    attributes: z.record(z.string(), z.unknown()).optional(),
    tags: TagSet.optional(),
    resourceGroup: nstr("The resource group in force now; null: none").optional(),
  })
  .meta({ id: "Instance" });

export const TagAssignment = z
  .object({
    tags: TagSet,
    resourceGroup: nstr("The resource group; null: none"),
    validFrom: instant("In force from"),
    validTo: ninstant("In force until; null: still in force"),
  })
  .meta({ id: "TagAssignment" });

export const TagsResult = z
  .object({ instanceId: str("The resource"), tags: TagSet, resourceGroup: nstr("The resource group; null: none"), validFrom: instant("In force from") })
  .meta({ id: "TagsResult" });

export const InstanceDetail = Instance.extend({
  tagHistory: z.array(TagAssignment).describe("Every tag and resource-group assignment, oldest first; bill lines carry the one in force for their period"),
  history: z
    .array(z.object({ from: status.nullable(), to: status, at: instant("When"), cause: str("Why") }))
    .describe("Every state change, oldest first"),
  quota: z
    .object({
      billableItemId: str("The metered item counted against the package, e.g. image-search.images-indexed"),
      unit: str("Its unit, e.g. image"),
      totalQuantity: Quantity,
      usedQuantity: Quantity,
      remainingQuantity: Quantity,
      usedUpAt: ninstant("When usage reached the quota: the package's 15-day retention starts then"),
    })
    .nullable()
    .describe("Packages with a metered quota (Image Search): usage ingested through POST /api/v1/usage, counted once its record has ended. Quantities, not money."),
}).meta({ id: "InstanceDetail" });

const orderFields = {
  id: str("Order id"),
  orderNo: str("Order number"),
  instanceId: str("The resource"),
  productId: str("Product code"),
  orderType: z.enum(ORDER_TYPES),
  spec: nstr("Spec"),
  months: nint("Duration bought (1, 2, 3, 6 or 12)"),
  instanceCount: int(),
  termStart: ninstant("Term start"),
  termEnd: ninstant("Term end"),
  originalAmount: Amount,
  discountAmount: Amount,
  payableAmount: amount("Signed: refunds are negative"),
  paidAmount: Amount,
  status: z
    .enum(ORDER_STATUSES)
    .describe("An unpaid order expires 24 hours after it is placed (a quote is a price at an instant); until then paying it charges the quoted amount and the term starts at payment"),
  createdAt: instant("Placed"),
  paidAt: ninstant("Paid"),
};
export const Order = z.object({ accountId: str("Owning account").optional(), ...orderFields }).meta({ id: "Order" });

export const LedgerEntry = z
  .object({
    id: str("Entry id"),
    at: instant("When"),
    type: z.enum(LEDGER_TYPES),
    amount: amount("Signed: credits positive"),
    currency,
    referenceType: nstr("bill_line | bill_line_period | order | top_up"),
    referenceId: z.string().nullable(),
    memo: str("Memo"),
  })
  .meta({ id: "LedgerEntry" });

export const Quote = z
  .object({
    action: z.enum(["switch", "renew", "change-spec", "unsubscribe"]),
    orderType: z.enum(ORDER_TYPES),
    instanceId: str("The resource"),
    spec: nstr("Spec the order buys (the new one for a change)"),
    months: nint("Duration bought (1, 2, 3, 6 or 12)"),
    instanceCount: int(),
    termStart: instant("Term start"),
    termEnd: instant("Term end (unchanged by upgrade/downgrade)"),
    currency: str("The account's currency"),
    originalAmount: Amount,
    discountAmount: Amount,
    payableAmount: amount("Signed: > 0 charged, < 0 refunded to the balance. Upgrade/downgrade: (new − old) × remaining seconds / term seconds, rounded once"),
    paygFinalCharge: Amount.nullable().describe("Switch: the running pay-as-you-go period, charged up to the switch instant by the jobs"),
    explanation: z.array(z.string()).describe("The formula, worked"),
    steps: z
      .array(z.object({ key: z.enum(QUOTE_STEPS), values: z.record(z.string(), z.union([z.string(), z.int()])) }))
      .describe("The same lines as keys and values (amounts as 2-decimal strings, rate as a fraction), to word them in another language"),
  })
  .meta({ id: "Quote" });

export const LifecycleResult = z
  .object({
    replayed: z.boolean().describe("true: this Idempotency-Key was seen before; this is the first result"),
    paid: z.boolean().describe("false: insufficient funds, the order is unpaid (pay or cancel it)"),
    message: str("What happened, for people"),
    order: Order,
    ledgerEntry: LedgerEntry.nullable().describe("The order's ledger entry (deduction, or refund to the balance)"),
    quote: Quote,
    instance: z.record(z.string(), z.unknown()).describe("The resource after the action"),
  })
  .meta({ id: "LifecycleResult" });

export const OrderActionResult = z
  .object({
    order: Order,
    message: str("What happened, for people"),
    paid: z.boolean().optional().describe("Pay: false when funds are still short (the reason is in message)"),
    instance: z.record(z.string(), z.unknown()).optional().describe("Pay: the resource after payment"),
  })
  .meta({ id: "OrderActionResult" });

// ── Usage ────────────────────────────────────────────────────────────────────

export const UsageResult = z.object({ accepted: int("Records stored"), duplicates: int("Records already stored with the same content") }).meta({ id: "UsageResult" });

// ── Bill lines and bills ─────────────────────────────────────────────────────

export const BillLinePeriod = z
  .object({
    id: str("Deterministic id: instance, item and period start"),
    start: instant("Period start (aligned to the group's creation or reactivation)"),
    end: instant("Period end, or the stop instant of a period cut short by overdue or a switch"),
    dueAt: instant("When the charge fell due and was settled"),
    reason: z
      .enum(["ended", "released", "overdue", "switched"])
      .describe("ended: a full period; released: the release period, charged in full; overdue/switched: charged to the second up to that instant"),
    chargedSeconds: int("Seconds charged per instance"),
    instances: int("Instances in the group"),
    unitPrice: UnitPrice,
    amount: amount("unitPrice × chargedSeconds / 3600 × instances, rounded once"),
    paymentAmount: amount("Paid from the balance when it fell due (or later by a top-up)"),
    outstandingAmount: amount("Still owed"),
    settledAt: ninstant("Settled at (its due instant)"),
  })
  .meta({ id: "BillLinePeriod" });

export const BillLine = z
  .object({
    id: str("The stored line's id; for aggregated rows a deterministic id of the group key"),
    lineCount: int("Stored lines in this row (1 for a line)"),
    billingCycle: nstr("YYYY-MM"),
    billingDate: nstr("Statistic day YYYY-MM-DD; null when granularity=MONTHLY"),
    productCode: nstr("Product code"),
    productName: nstr("Product name"),
    productDetail: nstr("Product detail"),
    instanceId: nstr("Instance id"),
    instanceName: nstr("Instance name"),
    region: nstr("Region id"),
    regionName: nstr("Region name"),
    billingMethod: billingMethod.nullable(),
    subscriptionType: z.enum(["Subscription", "PayAsYouGo", "Free"]).nullable(),
    billableItemId: nstr("Billable item id"),
    billableItem: nstr("Billable item name"),
    usage: Quantity.nullable().describe("Usage; null when an aggregate mixes units"),
    usageUnit: nstr("Usage unit"),
    listPrice: UnitPrice.nullable().describe("Unit (list) price, 6 decimals"),
    listPriceUnit: nstr("Unit of the list price, e.g. USD/hour"),
    ...amounts(),
    currency: currency.nullable(),
    orderId: nstr("Order id, for subscription lines"),
    orderNo: nstr("Order number, for subscription lines"),
    lineType: nstr("usage | subscription | refund | adjustment"),
    tags: TagSet.nullable().describe("The instance's tags in force for the line's period (a subscription line: when the order was placed); on aggregated rows null unless every line carries the same set"),
    resourceGroup: nstr("The resource group in force for the line's period; null: none, or (aggregated rows) not the same for every line"),
    tagValue: nstr("groupBy=tag only: the row's value of tagKey; null: the lines without that tag (untagged)").optional(),
    periods: z
      .array(BillLinePeriod)
      .optional()
      .describe(
        "Stored lines only (absent on aggregated rows): the 4-hour periods a Cloud Phone pay-as-you-go day line adds up, empty for other lines. Each period is its own charge — hourly price × charged seconds / 3600 × instances, rounded once to cents — settled at the instant it falls due (its end; or the release, overdue or switch instant). Its day is the day it falls due; the line's amounts are the sums of its periods, so `Σ periods[].amount = pretaxAmount`. Example: 0.0945/h for 48 h is 12 periods of 0.38 = 4.56 (not 4.536).",
      ),
  })
  .meta({ id: "BillLine" });

export const BillLinePage = listOf(BillLine).extend({ totals: Totals }).meta({ id: "BillLinePage" });

export const Bill = z
  .object({
    id: str("Order id, or the pay-as-you-go bill id (bills row id, else payg-<cycle>-<product>)"),
    billType: z.enum(["subscription", "payg", "refund"]),
    subscriptionType: z.enum(["Subscription", "PayAsYouGo"]),
    orderNo: nstr("Order number (orders only)"),
    orderType: z.enum(ORDER_TYPES).nullable(),
    status: str("Orders: unpaid | paid | cancelled | expired. Pay-as-you-go bills: open (estimate) | closed (final)"),
    billingCycle: str("YYYY-MM"),
    productCode: str("Product code"),
    productName: nstr("Product name"),
    instanceId: nstr("Instance (orders only)"),
    instanceName: nstr("Instance name (orders only)"),
    spec: nstr("Spec (orders only)"),
    months: nint(),
    termStart: ninstant("Term start (orders only)"),
    termEnd: ninstant("Term end (orders only)"),
    createdAt: ninstant("Order placed / bill created"),
    paidAt: ninstant("Order paid"),
    closedAt: ninstant("Bill closed"),
    lineCount: nint("Lines in a pay-as-you-go bill"),
    ...amounts(true),
    currency,
  })
  .meta({ id: "Bill" });

export const BillPage = listOf(Bill).extend({ totals: Totals }).meta({ id: "BillPage" });
export const BillDetail = Bill.extend({ lines: BillLinePage }).meta({ id: "BillDetail" });
