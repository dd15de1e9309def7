import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { Card, Empty, PageHeader } from "@/components/ui";
import { CreateEndpointForm } from "@/components/webhooks/create-endpoint-form";
import { EndpointList } from "@/components/webhooks/webhooks-view";
import { listWebhookEndpoints } from "@/lib/data/webhooks";
import { WEBHOOK_EVENT_TYPES } from "@/lib/webhooks/outbox";
import { pageCaller } from "../page-caller";
import { createEndpointAction } from "./actions";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("nav"))("webhooks") };
}

export default async function WebhooksPage() {
  const [caller, tn, t] = await Promise.all([pageCaller(), getTranslations("nav"), getTranslations("webhooks")]);
  if (caller.role !== "admin") {
    return (
      <>
        <PageHeader title={tn("webhooks")} />
        <Empty>{t("adminsOnly")}</Empty>
      </>
    );
  }
  const endpoints = await listWebhookEndpoints(caller);
  return (
    <>
      <PageHeader title={tn("webhooks")} />
      <div className="grid gap-4 lg:grid-cols-2">
        <Card title={t("endpoints")}>
          <EndpointList endpoints={endpoints} />
        </Card>
        <Card title={t("addEndpoint")}>
          <CreateEndpointForm action={createEndpointAction} eventTypes={WEBHOOK_EVENT_TYPES} />
        </Card>
      </div>
    </>
  );
}
