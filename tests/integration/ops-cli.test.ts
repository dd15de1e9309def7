// The operator CLI as a user runs it: a separate process, its own database.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const dir = mkdtempSync(path.join(os.tmpdir(), "ops-cli-"));
const env = { ...process.env, PGLITE_DIR: path.join(dir, "db") };
const tag = `${process.pid}${Date.now().toString(36)}`;

async function ops(...args: string[]) {
  try {
    const { stdout, stderr } = await run("npx", ["tsx", "--conditions=react-server", "scripts/ops.ts", ...args], { env, cwd: process.cwd() });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe("ops CLI", () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("prints usage and fails without a command or with an unknown one", async () => {
    const none = await ops();
    expect(none.code).toBe(2);
    expect(none.stdout).toContain("Usage: npm run ops -- <command>");
    const bogus = await ops("frobnicate");
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toContain("Unknown command 'frobnicate'");
  });

  it("refuses bad arguments with a clear message and a non-zero exit", async () => {
    const missing = await ops("create-account");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("missing --name");
    const unknownFlag = await ops("create-account", "--name", "X", "--colour", "red");
    expect(unknownFlag.code).toBe(2);
    expect(unknownFlag.stderr).toMatch(/Unknown option '--colour'/);
    const badCurrency = await ops("create-account", "--name", "X", "--currency", "EUR");
    expect(badCurrency.code).toBe(2);
    expect(badCurrency.stderr).toContain("currency");
  });

  it("creates an account, a user and an API key printed once", async () => {
    const id = `cli-${tag}`;
    const account = await ops("create-account", "--name", "CLI Co", "--id", id, "--currency", "KZT", "--time-zone", "Asia/Almaty");
    expect(account.stdout).toContain(`Created account ${id} (CLI Co, KZT, Asia/Almaty`);
    const user = await ops("create-user", "--account", id, "--email", `ops-${tag}@cli.test`, "--name", "Olga", "--password", "a-long-password", "--role", "finance");
    expect(user.code).toBe(0);
    expect(user.stdout).toContain("Created finance");
    const dup = await ops("create-user", "--account", id, "--email", `ops-${tag}@cli.test`, "--name", "Olga", "--password", "a-long-password", "--role", "finance");
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain("already exists");
    const key = await ops("create-api-key", "--account", id, "--name", "ci");
    expect(key.code).toBe(0);
    expect(key.stdout).toMatch(/\nbk_[A-Za-z0-9_-]{40}\n/);
    const noAccount = await ops("create-api-key", "--account", "nope", "--name", "ci");
    expect(noAccount.code).toBe(1);
    expect(noAccount.stderr).toContain("Account nope does not exist");
  }, 120_000);

  it("lists API keys without the key and revokes one", async () => {
    const id = `keys-${tag}`;
    await ops("create-account", "--name", "Keys Co", "--id", id);
    const created = await ops("create-api-key", "--account", id, "--name", "deploy-bot", "--role", "viewer");
    const keyId = created.stdout.match(/API key (key_\S+)/)![1];
    const secret = created.stdout.match(/\n(bk_\S+)\n/)![1];
    const listed = await ops("list-api-keys", "--account", id);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`${id}  ${keyId}  ${secret.slice(0, 10)}…  viewer .* deploy-bot .* active`));
    expect(listed.stdout).not.toContain(secret);
    const revoked = await ops("revoke-api-key", "--account", id, "--id", keyId);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain(`API key ${keyId} (deploy-bot) of account ${id} revoked at`);
    expect((await ops("list-api-keys", "--account", id)).stdout).toMatch(/deploy-bot .* revoked \d{4}-/);
    const unknown = await ops("revoke-api-key", "--account", id, "--id", "key_nope");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(`No API key key_nope in account ${id}`);
    expect((await ops("revoke-api-key", "--account", id)).code).toBe(2);
  }, 120_000);

  it("operator tools: an operator key printed once; money commands need a reason and refuse what they cannot do", async () => {
    const id = `money-${tag}`;
    await ops("create-account", "--name", "Money Co", "--id", id);
    const key = await ops("create-operator-key", "--name", "Olga");
    expect(key.code).toBe(0);
    expect(key.stdout).toMatch(/\nbop_[A-Za-z0-9_-]{40}\n/);
    expect((await ops("list-operator-keys")).stdout).toMatch(/opk_\S+ {2}bop_\S+… {2}Olga .* active/);
    const noReason = await ops("issue-voucher", "--account", id, "--amount", "10", "--expires", "2099-01-01T00:00:00Z");
    expect([noReason.code, noReason.stderr]).toEqual([2, expect.stringContaining("missing --reason")]);
    const voucher = await ops("issue-voucher", "--account", id, "--amount", "10", "--expires", "2099-01-01T00:00:00Z", "--code", "HELLO-10", "--reason", "welcome", "--by", "olga");
    expect(voucher.stdout).toMatch(/Voucher vch_\S+ \(HELLO-10\) for 10\.00 issued to/);
    const currency = await ops("set-currency", "--account", id, "--currency", "RUB", "--reason", "moved");
    expect([currency.code, currency.stderr]).toEqual([1, expect.stringContaining("it has 1 vouchers in USD")]);
    expect((await ops("set-credit-limit", "--account", id, "--amount", "250", "--reason", "trusted")).stdout).toContain(`Credit limit of ${id} is now 250.00 USD.`);
    const both = await ops("adjust", "--account", id, "--credit", "1", "--debit", "1", "--cycle", "2026-01", "--product", "oss", "--reason", "typo");
    expect([both.code, both.stderr]).toEqual([2, expect.stringContaining("exactly one of --credit and --debit")]);
    const nothing = await ops("adjust", "--account", id, "--credit", "1", "--cycle", "2026-01", "--product", "oss", "--reason", "no bill");
    expect([nothing.code, nothing.stderr]).toEqual([1, expect.stringContaining("has no bill for oss in 2026-01")]);
  }, 240_000);
});
