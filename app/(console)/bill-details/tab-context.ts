import "server-only";
import type { Params } from "@/components/bill-details/parts";
import type { Caller } from "@/lib/data/caller";
import { AppError } from "@/lib/errors";

export interface TabProps {
  caller: Caller;
  params: Params;
  currency: string;
  timeZone: string;
  cycles: string[];
}

/** Bad parameters are the user's to fix: show the message in the tab, not an error page. */
export async function attempt<T>(load: () => Promise<T>): Promise<{ data: T; error?: undefined } | { data?: undefined; error: string }> {
  try {
    return { data: await load() };
  } catch (e) {
    if (e instanceof AppError && e.status < 500) return { error: e.message };
    throw e;
  }
}

/** The URL parameters without empty values, as an object the data layer parses. */
export function clean(params: Params, drop: string[] = []): Record<string, string> {
  return Object.fromEntries(Object.entries(params).filter(([k, v]) => v !== undefined && v !== "" && !drop.includes(k))) as Record<string, string>;
}
