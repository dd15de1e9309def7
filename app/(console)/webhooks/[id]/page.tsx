import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { PageHeader } from "@/components/ui";
import { EndpointDetail } from "@/components/webhooks/webhooks-view";
import { getAccount } from "@/lib/data/account";
import { getWebhookEndpoint, listDeliveries } from "@/lib/data/webhooks";
import { TZDate } from "@date-fns/tz";
import { format } from "date-fns";
import { ForbiddenError, NotFoundError } from "@/lib/errors";
import { pageCaller } from "../../page-caller";
import { deleteEndpointAction, resendAction, toggleEndpointAction } from "../actions";

export const metadata: Metadata = { title: "Webhook endpoint" };

export default async function EndpointPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const caller = await pageCaller();
  const { id } = await params;
  const sp = await searchParams;
  const nextToken = typeof sp.nextToken === "string" ? sp.nextToken : undefined;
  const [account, endpoint, deliveries] = await Promise.all([getAccount(caller), getWebhookEndpoint(caller, id), listDeliveries(caller, id, { nextToken })]).catch((e) => {
    if (e instanceof NotFoundError || e instanceof ForbiddenError) notFound();
    throw e;
  });
  return (
    <>
      <PageHeader title="Webhook endpoint" />
      <EndpointDetail
        endpoint={endpoint}
        deliveries={deliveries.data}
        olderHref={deliveries.nextToken ? `/webhooks/${encodeURIComponent(id)}?nextToken=${encodeURIComponent(deliveries.nextToken)}` : null}
        canEdit
        formatAt={(iso) => format(new TZDate(new Date(iso), account.timeZone), "yyyy-MM-dd HH:mm:ss")}
        actions={{ resend: resendAction, toggle: toggleEndpointAction, remove: deleteEndpointAction }}
      />
    </>
  );
}
