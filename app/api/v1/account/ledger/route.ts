import { apiRoute } from "@/lib/api/handler";
import { BadRequestError } from "@/lib/errors";
import { isLocale, LOCALES } from "@/lib/i18n/locale";
import { ledgerExport, listLedger } from "@/lib/data/ledger";
import { csvHeaderWords } from "@/lib/exports/headers";
import { csvResponse } from "@/lib/exports/stream";
import { toFixedString } from "@/lib/money";

// ?format=csv downloads the filtered ledger (field names as headers, or words
// in a language with ?headers=en|ru); otherwise JSON.
export const GET = apiRoute(async (_req, { caller, url }) => {
  const { format, headers, ...filters } = Object.fromEntries([...url.searchParams].filter(([, v]) => v !== ""));
  if (headers !== undefined && !isLocale(headers)) throw new BadRequestError(`headers: must be one of ${LOCALES.join(", ")}.`);
  if (format === "csv") {
    const out = await ledgerExport(caller, filters, undefined, headers ? csvHeaderWords(headers) : undefined);
    return csvResponse(out.filename, out.body);
  }
  const { rows } = await listLedger(caller, filters);
  return { entries: rows.map((r) => ({ id: r.id, at: r.at.toISOString(), type: r.entryType, amount: toFixedString(r.amount), currency: r.currency, referenceType: r.referenceType, referenceId: r.referenceId, memo: r.memo })) };
});
