// The Billing Details columns (every field of a bill line, docs/billing-rules.md#rating-rules), shared by the
// table, Customize Columns and the CSV export so they cannot disagree. Their
// words live in the message catalogue (csv.details.<key>).
import type { CellKind } from "./csv";

export interface DetailColumn {
  key: string; // the API row field (lib/data/bill-lines BillLineRow)
  kind: CellKind;
}

export const DETAIL_COLUMNS: readonly DetailColumn[] = [
  { key: "billingCycle", kind: "text" },
  { key: "billingDate", kind: "text" },
  { key: "productCode", kind: "text" },
  { key: "productName", kind: "text" },
  { key: "productDetail", kind: "text" },
  { key: "instanceId", kind: "text" },
  { key: "instanceName", kind: "text" },
  { key: "region", kind: "text" },
  { key: "regionName", kind: "text" },
  { key: "billingMethod", kind: "text" },
  { key: "billableItem", kind: "text" },
  { key: "usage", kind: "quantity" },
  { key: "usageUnit", kind: "text" },
  { key: "listPrice", kind: "quantity" },
  { key: "listPriceUnit", kind: "text" },
  { key: "pretaxGrossAmount", kind: "amount" },
  { key: "invoiceDiscount", kind: "amount" },
  { key: "pretaxAmount", kind: "amount" },
  { key: "deductedByResourcePackage", kind: "amount" },
  { key: "deductedByCoupons", kind: "amount" },
  { key: "deductedByCashCoupons", kind: "amount" },
  { key: "paymentAmount", kind: "amount" },
  { key: "outstandingAmount", kind: "amount" },
  { key: "currency", kind: "text" },
  { key: "orderNo", kind: "text" },
  { key: "lineType", kind: "text" },
  // Cost allocation (docs/tags.md): the tags as a JSON object, the group by name.
  { key: "tags", kind: "text" },
  { key: "resourceGroup", kind: "text" },
];

export const DETAIL_COLUMN_KEYS = DETAIL_COLUMNS.map((c) => c.key);

export const DEFAULT_DETAIL_COLUMNS = [
  "billingDate",
  "productName",
  "instanceId",
  "billingMethod",
  "billableItem",
  "usage",
  "usageUnit",
  "pretaxGrossAmount",
  "invoiceDiscount",
  "pretaxAmount",
  "paymentAmount",
  "outstandingAmount",
];

/** Known keys in catalogue order; unknown ones dropped; none left → the defaults. */
export function resolveColumns(keys: readonly string[] | null | undefined): DetailColumn[] {
  const wanted = new Set(keys?.length ? keys : DEFAULT_DETAIL_COLUMNS);
  const out = DETAIL_COLUMNS.filter((c) => wanted.has(c.key));
  return out.length ? out : DETAIL_COLUMNS.filter((c) => DEFAULT_DETAIL_COLUMNS.includes(c.key));
}
