import "server-only";
import { getLocale } from "next-intl/server";
import { formatterFor, type Formatter } from "./format";

/** In async server components and actions. */
export async function getFormat(): Promise<Formatter> {
  return formatterFor(await getLocale());
}

