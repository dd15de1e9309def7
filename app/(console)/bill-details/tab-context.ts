import "server-only";
import { one, type Params } from "@/components/bill-details/parts";
import type { Caller } from "@/lib/data/caller";
import { AppError } from "@/lib/errors";
import { userErrorMessage } from "../user-error";

export interface TabProps {
  caller: Caller;
  params: Params;
  currency: string;
  timeZone: string;
  cycles: string[];
  /** The CSV's header language (the console's): the export link carries it. */
  locale: string;
}

/** Bad parameters are the user's to fix: show the message in the tab, not an error page. */
export async function attempt<T>(load: () => Promise<T>): Promise<{ data: T; error?: undefined } | { data?: undefined; error: string }> {
  try {
    return { data: await load() };
  } catch (e) {
    if (e instanceof AppError && e.status < 500) return { error: await userErrorMessage(e) };
    throw e;
  }
}

/** The URL parameters without empty values, as an object the data layer parses (repeated ones stay arrays). */
export function clean(params: Params, drop: string[] = []): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(params)) {
    if (drop.includes(k) || v === undefined) continue;
    const values = (Array.isArray(v) ? v : [v]).filter((s) => s !== "");
    if (values.length) out[k] = values.length === 1 ? values[0] : values;
  }
  return out;
}

/** A single-value parameter as a string (the first, if repeated). */
export const param = (params: Params, key: string): string | undefined => one(params[key]);
