import { apiRoute } from "@/lib/api/handler";
import { cancelUnpaidOrder } from "@/lib/data/lifecycle";

// Cancel an unpaid order (nothing was charged); cancelling twice returns the cancelled order.
export const POST = apiRoute<{ id: string }>(async (_req, { caller, params }) => ({ data: await cancelUnpaidOrder(caller, params.id) }));
