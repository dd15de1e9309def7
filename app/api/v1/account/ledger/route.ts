import { apiRoute } from "@/lib/api/handler";
import { BadRequestError } from "@/lib/errors";
import { isLocale, LOCALES } from "@/lib/i18n/locale";
import { ledgerCsv, listLedger } from "@/lib/data/ledger";
import { csvHeaderWords } from "@/lib/exports/headers";
import { toFixedString } from "@/lib/money";

// ?format=csv downloads the filtered ledger (field names as headers, or words
// in a language with ?headers=en|ru); otherwise JSON.
export const GET = apiRoute(async (_req, { caller, url }) => {
  const { format, headers, ...filters } = Object.fromEntries([...url.searchParams].filter(([, v]) => v !== ""));
  if (headers !== undefined && !isLocale(headers)) throw new BadRequestError(`headers: must be one of ${LOCALES.join(", ")}.`);
  if (format === "csv") {
    return new Response(await ledgerCsv(caller, filters, undefined, headers ? csvHeaderWords(headers) : undefined), {
      headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": 'attachment; filename="ledger.csv"' },
    });
  }
  const { rows } = await listLedger(caller, filters);
  return { entries: rows.map((r) => ({ id: r.id, at: r.at.toISOString(), type: r.entryType, amount: toFixedString(r.amount), currency: r.currency, referenceType: r.referenceType, referenceId: r.referenceId, memo: r.memo })) };
});
