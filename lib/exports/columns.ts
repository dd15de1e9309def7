// The Billing Details columns (every field of PRODUCT.md §4), shared by the
// table, Customize Columns and the CSV export so they cannot disagree.
import type { CellKind } from "./csv";

export interface DetailColumn {
  key: string; // the API row field (lib/data/bill-lines BillLineRow)
  label: string;
  kind: CellKind;
}

export const DETAIL_COLUMNS: readonly DetailColumn[] = [
  { key: "billingCycle", label: "Billing cycle", kind: "text" },
  { key: "billingDate", label: "Date", kind: "text" },
  { key: "productCode", label: "Product code", kind: "text" },
  { key: "productName", label: "Product", kind: "text" },
  { key: "productDetail", label: "Product detail", kind: "text" },
  { key: "instanceId", label: "Instance ID", kind: "text" },
  { key: "instanceName", label: "Instance name", kind: "text" },
  { key: "region", label: "Region ID", kind: "text" },
  { key: "regionName", label: "Region", kind: "text" },
  { key: "billingMethod", label: "Billing method", kind: "text" },
  { key: "billableItem", label: "Billable item", kind: "text" },
  { key: "usage", label: "Usage", kind: "quantity" },
  { key: "usageUnit", label: "Usage unit", kind: "text" },
  { key: "listPrice", label: "Unit price", kind: "quantity" },
  { key: "listPriceUnit", label: "Price unit", kind: "text" },
  { key: "pretaxGrossAmount", label: "Original amount", kind: "amount" },
  { key: "invoiceDiscount", label: "Discount", kind: "amount" },
  { key: "pretaxAmount", label: "Pretax amount", kind: "amount" },
  { key: "deductedByResourcePackage", label: "Deducted by resource plan", kind: "amount" },
  { key: "deductedByCoupons", label: "Deducted by coupons", kind: "amount" },
  { key: "deductedByCashCoupons", label: "Deducted by vouchers", kind: "amount" },
  { key: "paymentAmount", label: "Paid from balance", kind: "amount" },
  { key: "outstandingAmount", label: "Outstanding", kind: "amount" },
  { key: "currency", label: "Currency", kind: "text" },
  { key: "orderNo", label: "Order number", kind: "text" },
  { key: "lineType", label: "Line type", kind: "text" },
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
