// The one server-action wrapper and its one result shape: typed errors become
// a sentence the form shows (and the field a 400 is about), anything else is a
// bug that propagates, and only success revalidates.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));
vi.mock("next-intl/server", async () => (await import("./intl")).intlServerMock());

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { runAction } from "@/app/(console)/action";
import { BadRequestError, ForbiddenError } from "@/lib/errors";

describe("runAction", () => {
  beforeEach(() => vi.mocked(revalidatePath).mockClear());

  it("answers { ok } and revalidates the given paths, '/' as the whole layout", async () => {
    expect(await runAction(async () => "Saved.", { revalidate: ["/", "/webhooks/wh_1"] })).toEqual({ ok: "Saved." });
    expect(vi.mocked(revalidatePath).mock.calls).toEqual([["/", "layout"], ["/webhooks/wh_1"]]);
  });

  it("turns a typed error into the user's sentence and the field it is about, revalidating nothing", async () => {
    const bad = await runAction(async () => {
      throw new BadRequestError("amount: must be positive", { issues: [{ path: "amount", message: "must be positive" }] });
    }, { revalidate: ["/"] });
    expect(bad).toEqual({ error: "Check what you entered: amount: must be positive", field: "amount" });
    expect(await runAction(async () => { throw new ForbiddenError(); })).toEqual({ error: expect.stringMatching(/role/i), field: undefined });
    expect(revalidatePath).not.toHaveBeenCalled();
  });

  it("words a zod failure as a bad request", async () => {
    const r = await runAction(async () => z.string().min(1).parse(""));
    expect(r.error).toMatch(/^Check what you entered: /);
  });

  it("lets an error that is not an AppError propagate (a bug is not a form message)", async () => {
    await expect(runAction(async () => { throw new TypeError("boom"); })).rejects.toThrow("boom");
  });
});

describe("every server action goes through the one wrapper", () => {
  const root = path.resolve(import.meta.dirname, "../..");
  const actionFiles = (readdirSync(path.join(root, "app"), { recursive: true }) as string[])
    .filter((f) => /(^|\/)actions\.ts$/.test(f))
    .map((f) => path.join("app", f));

  it("finds the action files", () => expect(actionFiles.length).toBeGreaterThanOrEqual(5));

  it.each(actionFiles)("%s: uses runAction and catches no errors itself", (file) => {
    const src = readFileSync(path.join(root, file), "utf8");
    expect(src).toMatch(/import \{ runAction \} from "[./]+action"/);
    expect(src).not.toMatch(/catch\s*\(|instanceof AppError/);
  });

  it("no form or action defines its own result type", () => {
    const files = ["app", "components"].flatMap((d) =>
      (readdirSync(path.join(root, d), { recursive: true }) as string[]).filter((f) => /\.tsx?$/.test(f)).map((f) => path.join(d, f)));
    const own = files.filter((f) => /export type \w*(State|Result)\b[^=]*= \{ ok/.test(readFileSync(path.join(root, f), "utf8")));
    expect(own).toEqual([]);
  });
});
