// The resource page's lifecycle part: its orders (every role) and, for admins
// only, the actions panel. Finance and viewers get no buttons at all.
import { ActionsPanel, type PanelInstance } from "@/components/lifecycle/actions-panel";
import { OrdersTable } from "@/components/lifecycle/orders-table";
import { Card } from "@/components/ui";
import type { Instance } from "@/db/schema";
import type { TenantCaller } from "@/lib/data/caller";
import { lifecycleOptions, listOrders } from "@/lib/data/lifecycle";
import { cancelOrderAction, confirmLifecycleAction, payOrderAction, quoteLifecycleAction, setAutoRenewAction } from "./actions";

export async function LifecycleSection({ caller, instance, currency, timeZone }: { caller: TenantCaller; instance: Instance; currency: string; timeZone: string }) {
  const admin = caller.role === "admin";
  const [orders, options] = await Promise.all([listOrders(caller, { instanceId: instance.id }), lifecycleOptions(caller, instance.id)]);
  const panel: PanelInstance = {
    id: instance.id,
    billingMethod: instance.billingMethod,
    status: instance.status,
    spec: instance.spec,
    instanceCount: instance.instanceCount,
    autoRenew: instance.autoRenew,
    autoRenewMonths: instance.autoRenewMonths,
    ...options,
  };
  return (
    <>
      {admin && (
        <Card title="Lifecycle actions">
          <ActionsPanel instance={panel} currency={currency} quote={quoteLifecycleAction} confirm={confirmLifecycleAction} saveAutoRenew={setAutoRenewAction} />
        </Card>
      )}
      <Card title="Orders" className={admin ? "" : "lg:col-span-2"}>
        <OrdersTable
          orders={orders.data}
          currency={currency}
          timeZone={timeZone}
          actions={admin ? { pay: payOrderAction.bind(null, instance.id), cancel: cancelOrderAction.bind(null, instance.id) } : null}
        />
      </Card>
    </>
  );
}
