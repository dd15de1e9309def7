import { apiRoute } from "@/lib/api/handler";
import { releaseInstance } from "@/lib/data/resource-events";
import { BadRequestError } from "@/lib/errors";

// A resource event from a product service: release one resource, now or at `at`.
export const POST = apiRoute<{ id: string }>(async (req, { caller, params }) => {
  // The body is optional here: an empty one releases at the account's clock.
  const text = await req.text();
  let body: unknown = {};
  if (text.trim()) {
    try {
      body = JSON.parse(text);
    } catch {
      throw new BadRequestError("The body is not valid JSON.");
    }
  }
  return { data: await releaseInstance(caller, params.id, body) };
});
