import { apiRoute } from "@/lib/api/handler";
import { BadRequestError } from "@/lib/errors";
import { csvHeaderWords } from "@/lib/exports/headers";
import { csvResponse } from "@/lib/exports/stream";
import { exportBillLines, exportBills, exportFocus, exportSummary, exportUsage } from "@/lib/data/views/exports";

// The console's Export buttons: ?tab=… plus the tab's own URL parameters, so
// the file is exactly what the page shows (all pages); ?headers=en|ru is the
// header row's language (the console sends its own). FOCUS keeps the spec's names.
const EXPORTS = { bills: exportBills, details: exportBillLines, focus: exportFocus, usage: exportUsage, summary: exportSummary };

export const GET = apiRoute(async (_req, { caller, url }) => {
  const params = new URLSearchParams(url.searchParams);
  const tab = params.get("tab") ?? "";
  const words = csvHeaderWords(params.get("headers"));
  // Paging is the screen's business; an export is always every row.
  for (const p of ["tab", "headers", "nextToken", "page", "limit", "p"]) params.delete(p);
  if (!(tab in EXPORTS)) throw new BadRequestError(`tab: must be one of ${Object.keys(EXPORTS).join(", ")}.`);
  const out = tab === "focus" ? await exportFocus(caller, params) : await EXPORTS[tab as Exclude<keyof typeof EXPORTS, "focus">](caller, params, undefined, words);
  return csvResponse(out.filename, out.body);
});
