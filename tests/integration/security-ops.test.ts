// Operator-side security: a revoked API key is refused at its very next request.
import { describe, expect, it } from "vitest";
import { apiKeyCaller, OPERATOR } from "@/lib/data/caller";
import { createAccount, createApiKey } from "@/lib/data/operator";
import { COMMANDS } from "@/lib/ops/commands";
import { UnauthenticatedError } from "@/lib/errors";
import { uniq, useTestDatabase } from "./db";

describe("operator security", () => {
  const db = useTestDatabase();

  it("ops revoke-api-key takes effect at once", async () => {
    const accountId = (await createAccount(OPERATOR, { id: uniq("rvk"), name: "Revoke Co" })).id;
    const key = await createApiKey(OPERATOR, { accountId, name: "leaked", role: "admin" });
    await expect(apiKeyCaller(`Bearer ${key.key}`)).resolves.toMatchObject({ accountId });
    const lines: string[] = [];
    const run = (name: string, values: Record<string, string>) =>
      COMMANDS[name].run({ values, positionals: [], handle: db.handle(), log: (s) => lines.push(s) });
    await run("list-api-keys", { account: accountId });
    expect(lines.join("\n")).toMatch(/leaked .* active/);
    await run("revoke-api-key", { account: accountId, id: key.id });
    await expect(apiKeyCaller(`Bearer ${key.key}`)).rejects.toBeInstanceOf(UnauthenticatedError);
  });
});
