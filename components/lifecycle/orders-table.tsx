// A resource's orders: number, type, amounts, status; admins may pay or cancel
// an unpaid one (the buttons are a client leaf).
import { formatInstant } from "@/lib/format";
import { formatMoney } from "@/lib/money";
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

const STATUS = { paid: "text-green-700", unpaid: "text-amber-700 font-semibold", cancelled: "text-muted line-through", expired: "text-muted line-through" } as Record<string, string>;

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
  if (!orders.length) return <p className="text-muted">No orders for this resource.</p>;
  return (
    <table data-testid="orders-table" className="w-full text-left text-sm">
      <thead className="text-muted">
        <tr>
          <th className="py-1 pr-2 font-normal">Order</th>
          <th className="py-1 pr-2 font-normal">Type</th>
          <th className="py-1 pr-2 font-normal">Placed</th>
          <th className="py-1 pr-2 text-right font-normal">Amount</th>
          <th className="py-1 pr-2 font-normal">Status</th>
          {actions && <th className="py-1 font-normal"><span className="sr-only">Actions</span></th>}
        </tr>
      </thead>
      <tbody>
        {orders.map((o) => (
          <tr key={o.id} data-testid="order-row" className="border-t border-line">
            <td className="py-1 pr-2 font-mono">{o.orderNo}</td>
            <td className="py-1 pr-2">{o.orderType}{o.months ? ` · ${o.months} mo` : ""}{o.spec && o.orderType.endsWith("grade") ? ` → ${o.spec}` : ""}</td>
            <td className="py-1 pr-2">{formatInstant(new Date(o.createdAt), timeZone)}</td>
            <td className="py-1 pr-2 text-right tabular-nums">{formatMoney(o.payableAmount, currency)}</td>
            <td className={`py-1 pr-2 ${STATUS[o.status] ?? ""}`}>{o.status}</td>
            {actions && <td className="py-1">{o.status === "unpaid" && <OrderButtons orderId={o.id} pay={actions.pay} cancel={actions.cancel} />}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
