import { apiRoute } from "@/lib/api/handler";
import { resendDelivery } from "@/lib/data/webhooks";

// Admin: the same event (same id) again, as a new delivery attempted now.
export const POST = apiRoute<{ id: string; deliveryId: string }>(async (_req, { caller, params }) => Response.json({ data: await resendDelivery(caller, params.id, params.deliveryId) }, { status: 201 }));
