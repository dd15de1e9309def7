import "server-only";
import { cache } from "react";
import { sessionCaller } from "@/lib/data/session";

/** The signed-in caller, read once per request (the layout, the page and the language all ask). */
export const currentCaller = cache(sessionCaller);
