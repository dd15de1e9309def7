// Operator commands: each names its options, checks them, and prints what it did.
import type { Command, Values } from "./command";
import { MONEY_COMMANDS } from "./money-commands";
import { BadRequestError, NotFoundError } from "@/lib/errors";
import { OPERATOR } from "@/lib/data/caller";
import { createAccount, createApiKey, createUser, listApiKeys, revokeApiKey, setUserDisabled, setUserPassword } from "@/lib/data/operator";
import { seedDemo, DEMO_SIGN_INS } from "@/db/seed/demo";
import { systemNow } from "@/lib/clock";
import { loadCatalog, readCatalogFile } from "@/lib/billing/catalog";
import { jobsConcurrency, runJobs } from "@/lib/jobs/run";
import { deliverPending } from "@/lib/webhooks/deliver";
import { topUp } from "@/lib/data/top-ups";
import { importUsageCommand } from "./import-usage";
import { statusCommand } from "./status";
import { citusStatusCommand } from "./citus-status";


function required(values: Values, ...names: string[]): Record<string, string> {
  const missing = names.filter((n) => typeof values[n] !== "string" || values[n] === "");
  if (missing.length) throw new BadRequestError(`missing ${missing.map((m) => `--${m}`).join(", ")}`);
  return Object.fromEntries(names.map((n) => [n, values[n] as string]));
}
const str = (v: string | boolean | undefined) => (typeof v === "string" ? v : undefined);

export const COMMANDS: Record<string, Command> = {
  "create-account": {
    summary: "Create a customer account.",
    args: "--name <name> [--id <id>] [--currency USD|RUB|KZT] [--time-zone <IANA>] [--credit-limit <amount>]",
    options: { name: { type: "string" }, id: { type: "string" }, currency: { type: "string" }, "time-zone": { type: "string" }, "credit-limit": { type: "string" } },
    async run({ values, log }) {
      const { name } = required(values, "name");
      const account = await createAccount(OPERATOR, {
        name,
        id: str(values.id),
        currency: str(values.currency) as never,
        timeZone: str(values["time-zone"]),
        creditLimit: str(values["credit-limit"]),
      });
      log(`Created account ${account.id} (${account.name}, ${account.currency}, ${account.timeZone}, credit limit ${account.creditLimit}).`);
    },
  },
  "create-user": {
    summary: "Create a user who signs in to an account.",
    args: "--account <id> --email <e-mail> --name <name> --password <password> --role admin|finance|viewer",
    options: { account: { type: "string" }, email: { type: "string" }, name: { type: "string" }, password: { type: "string" }, role: { type: "string" } },
    async run({ values, log }) {
      const v = required(values, "account", "email", "name", "password", "role");
      const user = await createUser(OPERATOR, { accountId: v.account, email: v.email, name: v.name, password: v.password, role: v.role as never });
      log(`Created ${user.role} ${user.email} (${user.id}) in account ${user.accountId}.`);
    },
  },
  "set-password": {
    summary: "Change a user's password (ends their sessions).",
    args: "--email <e-mail> --password <password>",
    options: { email: { type: "string" }, password: { type: "string" } },
    async run({ values, log }) {
      const v = required(values, "email", "password");
      await setUserPassword(OPERATOR, v.email, v.password);
      log(`Password changed for ${v.email}; their existing sessions have ended.`);
    },
  },
  "disable-user": {
    summary: "Disable a user (ends their sessions); --enable turns them back on.",
    args: "--email <e-mail> [--enable]",
    options: { email: { type: "string" }, enable: { type: "boolean" } },
    async run({ values, log }) {
      const v = required(values, "email");
      await setUserDisabled(OPERATOR, v.email, !values.enable);
      log(`${v.email} ${values.enable ? "enabled" : "disabled; their sessions have ended"}.`);
    },
  },
  "create-api-key": {
    summary: "Create an API key for an account; the key is printed once.",
    args: "--account <id> --name <label> [--role admin|finance|viewer]",
    options: { account: { type: "string" }, name: { type: "string" }, role: { type: "string" } },
    async run({ values, log }) {
      const v = required(values, "account", "name");
      const key = await createApiKey(OPERATOR, { accountId: v.account, name: v.name, role: (str(values.role) ?? "admin") as never });
      log(`API key ${key.id} (${key.role}) for account ${key.accountId}. Store it now, it is not shown again:`);
      log(key.key);
    },
  },
  "list-api-keys": {
    summary: "List API keys (id, prefix, role, last use, revocation); never the keys themselves.",
    args: "[--account <id>]",
    options: { account: { type: "string" } },
    async run({ values, log }) {
      const keys = await listApiKeys(OPERATOR, str(values.account));
      if (!keys.length) return log("No API keys.");
      const when = (d: Date | null) => (d ? d.toISOString() : "-");
      for (const k of keys) {
        const state = k.revokedAt ? `revoked ${when(k.revokedAt)}` : "active";
        log(`${k.accountId}  ${k.id}  ${k.prefix}…  ${k.role.padEnd(7)}  ${k.name}  created ${when(k.createdAt)}  last used ${when(k.lastUsedAt)}  ${state}`);
      }
    },
  },
  "revoke-api-key": {
    summary: "Revoke an API key; its next request is refused.",
    args: "--account <id> --id <key id>",
    options: { account: { type: "string" }, id: { type: "string" } },
    async run({ values, log }) {
      const v = required(values, "account", "id");
      const key = await revokeApiKey(OPERATOR, v.account, v.id);
      log(`API key ${key.id} (${key.name}) of account ${key.accountId} revoked at ${key.revokedAt?.toISOString()}.`);
    },
  },
  "seed-demo": {
    summary: "Load the catalog and the deterministic demo accounts (skipped if present).",
    args: "[--now <ISO instant>]",
    options: { now: { type: "string" } },
    async run({ values, handle, log }) {
      const now = str(values.now) ? new Date(str(values.now)!) : systemNow();
      if (Number.isNaN(now.getTime())) throw new BadRequestError("--now must be an ISO 8601 instant");
      const result = await seedDemo(handle.db, { now, log });
      log(result.created ? "Demo data created." : "Demo data already present; nothing changed.");
      for (const s of DEMO_SIGN_INS) log(`  ${s.role.padEnd(8)} ${s.email}  /  ${s.password}   (${s.account})`);
    },
  },
};

function instant(v: string | boolean | undefined, name: string): Date {
  const d = new Date(String(v));
  if (typeof v !== "string" || !/^\d{4}-\d{2}-\d{2}T/.test(v) || Number.isNaN(d.getTime())) {
    throw new BadRequestError(`--${name} must be an ISO 8601 instant, e.g. 2026-11-01T00:00:00Z`);
  }
  return d;
}

Object.assign(COMMANDS, {
  "load-catalog": {
    summary: "Load or replace the price catalog (past bill lines keep their prices).",
    args: "[file] (default db/seed/catalog.json)",
    options: {},
    async run({ positionals, handle, log }) {
      const catalog = await readCatalogFile(positionals[0]);
      const counts = await loadCatalog(handle.db, catalog);
      log(`Catalog loaded: ${counts.products} products, ${counts.billableItems} billable items, ${counts.prices} prices (${counts.pricesRemoved} removed), ${counts.regions} regions.`);
    },
  },
  "run-jobs": {
    summary: "Rate everything up to an instant, settle what fell due, close finished cycles.",
    args: "--now <ISO instant> [--account <id>]",
    options: { now: { type: "string" }, account: { type: "string" } },
    async run({ values, handle, log }) {
      const now = instant(values.now, "now");
      const account = str(values.account);
      const t0 = Date.now();
      const results = await runJobs(handle.db, {
        now,
        accountIds: account ? [account] : undefined,
        log,
        concurrency: jobsConcurrency(handle.kind),
        ...(account ? {} : { progress: log }),
      });
      if (account && !results.length) throw new NotFoundError(`Account ${account} does not exist.`);
      log(`Jobs ran up to ${now.toISOString()} for ${results.length} account(s) in ${Date.now() - t0} ms.`);
    },
  },
  "deliver-webhooks": {
    summary: "Send the webhook deliveries that are due (the server does this on every scheduler tick).",
    args: "[--account <id>]",
    options: { account: { type: "string" } },
    async run({ values, handle, log }) {
      const account = str(values.account);
      const r = await deliverPending(handle.db, { accountIds: account ? [account] : undefined });
      log(`Webhooks: ${r.attempted} attempted, ${r.succeeded} delivered, ${r.failed} failed or to retry.`);
    },
  },
  "import-usage": importUsageCommand,
  "citus-status": citusStatusCommand,
  status: statusCommand,
  "top-up": {
    summary: "Credit an account's balance; outstanding amounts are settled oldest first.",
    args: "--account <id> --amount <amount> [--key <idempotency key>] [--at <ISO instant>]",
    options: { account: { type: "string" }, amount: { type: "string" }, key: { type: "string" }, at: { type: "string" } },
    async run({ values, log }) {
      const v = required(values, "account", "amount");
      const r = await topUp(OPERATOR, { amount: v.amount, idempotencyKey: str(values.key), at: values.at ? instant(values.at, "at") : undefined }, v.account);
      log(r.replayed ? `Top-up ${r.ledgerEntryId} already applied; nothing changed.` : `Topped up ${v.amount}: ${r.settledLines} outstanding line(s) paid (${r.settledAmount}). Balance ${r.balance}.`);
    },
  },
} satisfies Record<string, Command>, MONEY_COMMANDS);

export function usage(name?: string): string {
  const entries = name ? [[name, COMMANDS[name]] as const] : Object.entries(COMMANDS);
  const lines = entries.map(([n, c]) => `  ${n} ${c.args}\n      ${c.summary}`);
  return `Usage: npm run ops -- <command> [options]\n\nCommands:\n${lines.join("\n")}`;
}
