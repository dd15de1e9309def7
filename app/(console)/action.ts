import "server-only";
// The one server-action wrapper: run the work (lib/data authorizes and
// validates), revalidate what changed, and turn a typed error into the
// ActionResult the form shows. Anything that is not an AppError (a bug, a
// lost database) propagates, so Next shows its error page.
import { revalidatePath } from "next/cache";
import { getTranslations } from "next-intl/server";
import { z } from "zod";
import type { ActionResult } from "@/lib/action-result";
import { AppError } from "@/lib/errors";
import { badField, userErrorMessage } from "./user-error";

export interface ActionOptions {
  /** Paths to revalidate after success; "/" revalidates the whole layout (balances, badges). */
  revalidate?: string[];
}

export async function runAction<T>(work: () => Promise<T>, opts: ActionOptions = {}): Promise<ActionResult<T>> {
  let ok: T;
  try {
    ok = await work();
  } catch (e) {
    if (e instanceof AppError) return { error: await userErrorMessage(e), field: badField(e) ?? undefined };
    if (e instanceof z.ZodError) {
      const t = await getTranslations("errors");
      return { error: t("badRequest", { detail: e.issues[0]?.message ?? "" }), field: e.issues[0]?.path.join(".") || undefined };
    }
    throw e;
  }
  for (const path of opts.revalidate ?? []) {
    if (path === "/") revalidatePath("/", "layout");
    else revalidatePath(path);
  }
  return { ok };
}
