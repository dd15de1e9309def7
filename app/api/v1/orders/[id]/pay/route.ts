import { apiRoute } from "@/lib/api/handler";
import { payUnpaidOrder } from "@/lib/data/lifecycle";

// Pay an unpaid order from coupons, vouchers and balance; paying twice returns the paid order.
export const POST = apiRoute<{ id: string }>(async (_req, { caller, params }) => ({ data: await payUnpaidOrder(caller, params.id) }));
