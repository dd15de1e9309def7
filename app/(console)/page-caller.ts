import "server-only";
import { redirect } from "next/navigation";
import { sessionCaller } from "@/lib/data/session";

/** Pages: the signed-in caller, or off to sign-in (lib/data still authorizes every read). */
export async function pageCaller() {
  const caller = await sessionCaller();
  if (!caller) redirect("/signin");
  return caller;
}
