import { apiRoute, readJson } from "@/lib/api/handler";
import { advanceTestClock, getTestClock } from "@/lib/data/test-clock";

export const GET = apiRoute(async (_req, { caller }) => getTestClock(caller));
export const POST = apiRoute(async (req, { caller }) => advanceTestClock(caller, await readJson(req)));
