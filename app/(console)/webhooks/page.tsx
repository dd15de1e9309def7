import type { Metadata } from "next";
import { Card, Empty, PageHeader } from "@/components/ui";
import { CreateEndpointForm } from "@/components/webhooks/create-endpoint-form";
import { EndpointList } from "@/components/webhooks/webhooks-view";
import { listWebhookEndpoints } from "@/lib/data/webhooks";
import { WEBHOOK_EVENT_TYPES } from "@/lib/webhooks/outbox";
import { pageCaller } from "../page-caller";
import { createEndpointAction } from "./actions";

export const metadata: Metadata = { title: "Webhooks" };

export default async function WebhooksPage() {
  const caller = await pageCaller();
  if (caller.role !== "admin") {
    return (
      <>
        <PageHeader title="Webhooks" />
        <Empty>Webhook endpoints are managed by admins.</Empty>
      </>
    );
  }
  const endpoints = await listWebhookEndpoints(caller);
  return (
    <>
      <PageHeader title="Webhooks" />
      <div className="grid gap-4 lg:grid-cols-2">
        <Card title="Endpoints">
          <EndpointList endpoints={endpoints} />
        </Card>
        <Card title="Add an endpoint">
          <CreateEndpointForm action={createEndpointAction} eventTypes={WEBHOOK_EVENT_TYPES} />
        </Card>
      </div>
    </>
  );
}
