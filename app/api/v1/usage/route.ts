import { apiRoute, readJson } from "@/lib/api/handler";
import { assertCanIngest, ingestUsage } from "@/lib/data/usage";

// POST /api/v1/usage: a batch of up to 10,000 usage records, all or nothing.
export const POST = apiRoute(async (req, { caller }) => {
  // Refuse a key without the role before reading a body of up to 20 MB.
  assertCanIngest(caller);
  return ingestUsage(caller, await readJson(req));
});
