import "server-only";
import { redirect } from "next/navigation";
import { currentCaller } from "../current-caller";

/** Pages: the signed-in caller, or off to sign-in (lib/data still authorizes every read). */
export async function pageCaller() {
  const caller = await currentCaller();
  if (!caller) redirect("/signin");
  return caller;
}
