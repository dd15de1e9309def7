import { apiRoute } from "@/lib/api/handler";
import { csvResponse } from "@/lib/exports/stream";
import { ledgerExport, listLedger } from "@/lib/data/ledger";
import { toFixedString } from "@/lib/money";

// ?format=csv downloads the filtered ledger; otherwise JSON.
export const GET = apiRoute(async (_req, { caller, url }) => {
  const { format, ...filters } = Object.fromEntries([...url.searchParams].filter(([, v]) => v !== ""));
  if (format === "csv") {
    const out = await ledgerExport(caller, filters);
    return csvResponse(out.filename, out.body);
  }
  const { rows } = await listLedger(caller, filters);
  return { entries: rows.map((r) => ({ id: r.id, at: r.at.toISOString(), type: r.entryType, amount: toFixedString(r.amount), currency: r.currency, referenceType: r.referenceType, referenceId: r.referenceId, memo: r.memo })) };
});
