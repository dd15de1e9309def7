import { beforeAll, describe, expect, it } from "vitest";
import { seedDemo, DEMO_ACCOUNT_ID, OTHER_ACCOUNT_ID } from "@/db/seed/demo";
import { getLocalePreference, saveLocalePreference } from "@/lib/data/preferences";
import type { Caller } from "@/lib/data/caller";
import { BadRequestError } from "@/lib/errors";
import { useTestDatabase } from "./db";

const user = (accountId: string, userId: string): Caller => ({ kind: "user", accountId, userId, role: "viewer", email: "v@x", name: "V" });
const viewer = user(DEMO_ACCOUNT_ID, "usr_viewer_acme");
const finance = user(DEMO_ACCOUNT_ID, "usr_finance_acme");

describe("a user's saved console language", () => {
  const t = useTestDatabase();
  beforeAll(async () => {
    await seedDemo(t.handle().db, { now: new Date("2026-11-20T10:00:00Z") });
  });

  it("is none until saved, then the saved one, for that user only", async () => {
    expect(await getLocalePreference(viewer)).toBeNull();
    expect(await saveLocalePreference(viewer, "ru")).toBe("ru");
    expect(await getLocalePreference(viewer)).toBe("ru");
    expect(await getLocalePreference(finance)).toBeNull();
    await saveLocalePreference(viewer, "en");
    expect(await getLocalePreference(viewer)).toBe("en");
  });

  it("refuses an unknown language, API keys, and never reaches another account's user", async () => {
    await expect(saveLocalePreference(viewer, "de")).rejects.toBeInstanceOf(BadRequestError);
    await expect(saveLocalePreference({ kind: "api-key", accountId: DEMO_ACCOUNT_ID, apiKeyId: "k", role: "admin" }, "ru")).rejects.toBeInstanceOf(BadRequestError);
    // Same user id under another account: the tenant filter finds no row.
    await saveLocalePreference(user(OTHER_ACCOUNT_ID, "usr_viewer_acme"), "ru");
    expect(await getLocalePreference(viewer)).toBe("en");
  });
});
