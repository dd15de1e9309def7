import { apiRoute } from "@/lib/api/handler";
import { getForecast } from "@/lib/data/alerts";

export const GET = apiRoute(async (_req, { caller }) => ({ data: await getForecast(caller) }));
