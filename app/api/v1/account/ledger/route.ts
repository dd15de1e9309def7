import { apiRoute } from "@/lib/api/handler";
import { BadRequestError } from "@/lib/errors";
import { isLocale, LOCALES } from "@/lib/i18n/locale";
import { ledgerExport, ledgerPage } from "@/lib/data/ledger";
import { csvHeaderWords } from "@/lib/exports/headers";
import { csvResponse } from "@/lib/exports/stream";

// ?format=csv downloads the filtered ledger (field names as headers, or words
// in a language with ?headers=en|ru); otherwise a JSON page (list envelope, newest first).
export const GET = apiRoute(async (_req, { caller, url }) => {
  const { format, headers, ...filters } = Object.fromEntries([...url.searchParams].filter(([, v]) => v !== ""));
  if (headers !== undefined && !isLocale(headers)) throw new BadRequestError(`headers: must be one of ${LOCALES.join(", ")}.`);
  if (format === "csv") {
    const out = await ledgerExport(caller, filters, undefined, headers ? csvHeaderWords(headers) : undefined);
    return csvResponse(out.filename, out.body);
  }
  return ledgerPage(caller, filters);
});
