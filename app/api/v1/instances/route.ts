import { apiRoute, readJson } from "@/lib/api/handler";
import { listInstances } from "@/lib/data/instances";
import { registerInstance } from "@/lib/data/resource-events";

export const GET = apiRoute(async (_req, { caller, url }) => {
  const rows = await listInstances(caller, {
    status: url.searchParams.get("status") ?? undefined,
    billingMethod: url.searchParams.get("billingMethod") ?? undefined,
    productId: url.searchParams.get("productId") ?? undefined,
  });
  // Every instance in one page: the list envelope with no next page.
  return { data: rows.map((r) => ({ ...r.instance, productName: r.productName, regionName: r.regionName, tags: r.tags, resourceGroup: r.resourceGroup })), nextToken: null, totalCount: rows.length };
});

// A resource event from a product service: register one resource (201).
export const POST = apiRoute(async (req, { caller }) => {
  const { instance, order } = await registerInstance(caller, await readJson(req));
  return Response.json({ data: instance, order }, { status: 201 });
});
