// A resource's orders: number, type, amounts, status; admins may pay or cancel
// an unpaid one (the buttons are a client leaf).
import { useTranslations } from "next-intl";
import { TableFrame, Td, Th } from "@/components/table";
import { useFormat } from "@/i18n/format";
import { OrderButtons } from "./order-buttons";

type Result = { ok: { message: string } } | { error: string };
export interface OrderRow {
  id: string;
  orderNo: string;
  orderType: string;
  months: number | null;
  spec: string | null;
  payableAmount: string;
  paidAmount: string;
  status: string;
  /** ISO instants, as the API sends them. */
  createdAt: string;
  termEnd: string | null;
}

const STATUS = { paid: "text-green-800", unpaid: "text-amber-800 font-semibold", cancelled: "text-muted line-through", expired: "text-muted line-through" } as Record<string, string>;
const TYPES = ["new", "renewal", "upgrade", "downgrade", "conversion", "refund", "payg"] as const;
const STATUSES = ["paid", "unpaid", "cancelled", "expired", "open", "closed"] as const;

export function OrdersTable({
  orders,
  currency,
  timeZone,
  actions,
}: {
  orders: OrderRow[];
  currency: string;
  timeZone: string;
  actions: { pay: (orderId: string) => Promise<Result>; cancel: (orderId: string) => Promise<Result> } | null;
}) {
  const t = useTranslations("lifecycle");
  const type = useTranslations("orderType");
  const status = useTranslations("billStatus");
  const f = useFormat();
  if (!orders.length) return <p className="text-muted">{t("noOrders")}</p>;
  return (
    <TableFrame label={t("ordersTitle")} testId="orders-table" bare>
      <thead>
        <tr>
          <Th>{t("order")}</Th><Th>{t("type")}</Th><Th>{t("placed")}</Th><Th right>{t("amount")}</Th><Th>{t("status")}</Th>
          {actions && <Th><span className="sr-only">{t("actions")}</span></Th>}
        </tr>
      </thead>
      <tbody>
        {orders.map((o) => (
          <tr key={o.id} data-testid="order-row">
            <Td className="font-mono">{o.orderNo}</Td>
            <Td>
              {(TYPES as readonly string[]).includes(o.orderType) ? type(o.orderType as (typeof TYPES)[number]) : o.orderType}
              {o.months ? ` · ${t("months", { count: o.months })}` : ""}{o.spec && o.orderType.endsWith("grade") ? ` → ${o.spec}` : ""}
            </Td>
            <Td>{f.instant(new Date(o.createdAt), timeZone)}</Td>
            <Td right>{f.money(o.payableAmount, currency)}</Td>
            <Td className={STATUS[o.status] ?? ""}>{(STATUSES as readonly string[]).includes(o.status) ? status(o.status as (typeof STATUSES)[number]) : o.status}</Td>
            {actions && <Td>{o.status === "unpaid" && <OrderButtons orderId={o.id} pay={actions.pay} cancel={actions.cancel} />}</Td>}
          </tr>
        ))}
      </tbody>
    </TableFrame>
  );
}
