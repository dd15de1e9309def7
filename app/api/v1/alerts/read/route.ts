import { apiRoute } from "@/lib/api/handler";
import { markAlertsRead } from "@/lib/data/alerts";

// The signed-in user has seen every alert so far (clears the bell).
export const POST = apiRoute(async (_req, { caller }) => markAlertsRead(caller));
