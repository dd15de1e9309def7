import { noStore } from "@/lib/api/handler";
import { openApiDocument } from "@/lib/api/openapi";

// Public: the API's description is no secret, and clients fetch it before they have a key.
export function GET(): Response {
  return noStore(Response.json(openApiDocument));
}
