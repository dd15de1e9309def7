import { noStore } from "@/lib/api/handler";
import { opsOpenApiDocument } from "@/lib/api/openapi-ops";

// Public, like /api/v1/openapi.json: the description is no secret; the operations need an operator key.
export function GET(): Response {
  return noStore(Response.json(opsOpenApiDocument));
}
