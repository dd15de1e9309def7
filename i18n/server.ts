import "server-only";
import { getLocale } from "next-intl/server";
import { getCatalogNames, type CatalogNames } from "@/lib/data/catalog";
import { formatterFor, type Formatter } from "./format";

/** In async server components and actions. */
export async function getFormat(): Promise<Formatter> {
  return formatterFor(await getLocale());
}

/** The catalog's product, item and region names in the request's language. */
export async function getNames(): Promise<CatalogNames> {
  return getCatalogNames(await getLocale());
}
