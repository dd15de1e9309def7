import "server-only";
import { getLocale } from "next-intl/server";
import { getCatalogNames, type CatalogNames } from "@/lib/data/catalog";

/** The catalog's product, item and region names in the request's language (looked up by id when a page is drawn). */
export async function getNames(): Promise<CatalogNames> {
  return getCatalogNames(await getLocale());
}
