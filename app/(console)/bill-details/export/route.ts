import { apiRoute } from "@/lib/api/handler";
import { BadRequestError } from "@/lib/errors";
import { csvResponse } from "@/lib/exports/stream";
import { exportBillLines, exportBills, exportFocus, exportSummary, exportUsage } from "@/lib/data/views/exports";

// The console's Export buttons: ?tab=… plus the tab's own URL parameters, so
// the file is exactly what the page shows (all pages).
const EXPORTS = { bills: exportBills, details: exportBillLines, focus: exportFocus, usage: exportUsage, summary: exportSummary };

export const GET = apiRoute(async (_req, { caller, url }) => {
  const params = new URLSearchParams(url.searchParams);
  const tab = params.get("tab") ?? "";
  params.delete("tab");
  // Paging is the screen's business; an export is always every row.
  for (const p of ["nextToken", "page", "limit"]) params.delete(p);
  if (!(tab in EXPORTS)) throw new BadRequestError(`tab: must be one of ${Object.keys(EXPORTS).join(", ")}.`);
  const out = await EXPORTS[tab as keyof typeof EXPORTS](caller, params);
  return csvResponse(out.filename, out.body);
});
