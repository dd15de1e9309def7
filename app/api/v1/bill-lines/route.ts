import { apiRoute } from "@/lib/api/handler";
import { BadRequestError } from "@/lib/errors";
import { csvHeaderWords } from "@/lib/exports/headers";
import { csvResponse } from "@/lib/exports/stream";
import { listBillLines } from "@/lib/data/bill-lines";
import { exportBillLines, exportFocus } from "@/lib/data/views/exports";

// Any role may read; lib/data scopes everything to the caller's account.
// format=csv|focus streams every matching row instead of a JSON page;
// headers=en|ru words the CSV's header row (default English).
export const GET = apiRoute(async (_req, { caller, url }) => {
  const format = url.searchParams.get("format") ?? "json";
  if (format === "json") return listBillLines(caller, url.searchParams);
  if (format === "csv" || format === "focus") {
    const params = new URLSearchParams(url.searchParams);
    const words = csvHeaderWords(params.get("headers")); // the CSV header row's language (validated with the rest); FOCUS keeps the spec's names
    params.delete("format");
    const out = format === "csv" ? await exportBillLines(caller, params, undefined, words) : await exportFocus(caller, params);
    return csvResponse(out.filename, out.body);
  }
  throw new BadRequestError("format: must be json, csv or focus.");
});
