import { apiRoute } from "@/lib/api/handler";
import { ledgerCsv, ledgerPage } from "@/lib/data/ledger";

// ?format=csv downloads the filtered ledger; otherwise a JSON page (list envelope, newest first).
export const GET = apiRoute(async (_req, { caller, url }) => {
  const { format, ...filters } = Object.fromEntries([...url.searchParams].filter(([, v]) => v !== ""));
  if (format === "csv") {
    return new Response(await ledgerCsv(caller, filters), {
      headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": 'attachment; filename="ledger.csv"' },
    });
  }
  return ledgerPage(caller, filters);
});
