import "server-only";
import { cache } from "react";
import { getConsoleShell } from "@/lib/data/account";
import type { Caller } from "@/lib/data/caller";

/** The account and the frame's figures, read once per request: the layout and the page both ask. */
export const consoleShell = cache((caller: Caller) => getConsoleShell(caller));

/** The signed-in account (from the request's one shell read). */
export async function consoleAccount(caller: Caller) {
  return (await consoleShell(caller)).account;
}
