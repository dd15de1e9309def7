import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { notFound } from "next/navigation";
import { PageHeader } from "@/components/ui";
import { EndpointDetail } from "@/components/webhooks/webhooks-view";
import { getWebhookEndpoint, listDeliveries } from "@/lib/data/webhooks";
import { getFormat } from "@/i18n/server";
import { ForbiddenError, NotFoundError } from "@/lib/errors";
import { pageCaller } from "../../page-caller";
import { deleteEndpointAction, resendAction, toggleEndpointAction } from "../actions";
import { consoleAccount } from "../../shell";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("webhooks"))("endpointTitle") };
}

export default async function EndpointPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const [caller, t, f] = await Promise.all([pageCaller(), getTranslations("webhooks"), getFormat()]);
  const { id } = await params;
  const sp = await searchParams;
  const nextToken = typeof sp.nextToken === "string" ? sp.nextToken : undefined;
  const [account, endpoint, deliveries] = await Promise.all([consoleAccount(caller), getWebhookEndpoint(caller, id), listDeliveries(caller, id, { nextToken })]).catch((e) => {
    if (e instanceof NotFoundError || e instanceof ForbiddenError) notFound();
    throw e;
  });
  return (
    <>
      <PageHeader title={t("endpointTitle")} />
      <EndpointDetail
        endpoint={endpoint}
        deliveries={deliveries.data}
        olderHref={deliveries.nextToken ? `/webhooks/${encodeURIComponent(id)}?nextToken=${encodeURIComponent(deliveries.nextToken)}` : null}
        canEdit
        formatAt={(iso) => f.instant(new Date(iso), account.timeZone)}
        actions={{ resend: resendAction, toggle: toggleEndpointAction, remove: deleteEndpointAction }}
      />
    </>
  );
}
