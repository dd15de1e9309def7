import { apiRoute, readJson } from "@/lib/api/handler";
import { setInstanceTags } from "@/lib/data/tags";

// A resource event from a product service: the instance's tags and resource group from now (or `at`) on.
export const POST = apiRoute<{ id: string }>(async (req, { caller, params }) => {
  const r = await setInstanceTags(caller, params.id, await readJson(req));
  return { data: { ...r, validFrom: r.validFrom.toISOString() } };
});
