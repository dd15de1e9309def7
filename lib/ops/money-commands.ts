// Operator commands that move an account's money or terms, and the operator
// keys of /api/ops/v1. Each names who acts (--by, else the OS user) and why
// (--reason), both recorded in the account's audit log.
import { userInfo } from "node:os";
import { BadRequestError } from "@/lib/errors";
import { cliOperator, OPERATOR } from "@/lib/data/caller";
import { createOperatorKey, listOperatorKeys, revokeOperatorKey } from "@/lib/data/operator-keys";
import { issueCoupon, issueVoucher, revokeCoupon, revokeVoucher, updateAccountTerms } from "@/lib/data/operator-money";
import { adjustAccount } from "@/lib/data/operator-adjustments";
import { toFixedString } from "@/lib/money";
import type { Command, Values } from "./command";

const str = (v: string | boolean | undefined) => (typeof v === "string" ? v : undefined);
function required(values: Values, ...names: string[]): Record<string, string> {
  const missing = names.filter((n) => typeof values[n] !== "string" || values[n] === "");
  if (missing.length) throw new BadRequestError(`missing ${missing.map((m) => `--${m}`).join(", ")}`);
  return Object.fromEntries(names.map((n) => [n, values[n] as string]));
}
const operator = (values: Values) => cliOperator(str(values.by) ?? userInfo().username);
const list = (v: string | boolean | undefined) => (typeof v === "string" && v.trim() ? v.split(",").map((s) => s.trim()) : undefined);
function int(v: string | boolean | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "string" || !/^\d{1,7}$/.test(v)) throw new BadRequestError(`--${name} must be a whole number`);
  return Number.parseInt(v, 10);
}

const s = { type: "string" } as const;
const WHO = "--reason <why> [--by <your name>]";
const validity = "--expires <ISO instant> [--valid-from <ISO instant>] [--products id,id]";

export const MONEY_COMMANDS: Record<string, Command> = {
  "create-operator-key": {
    summary: "Create a key for the operator API (/api/ops/v1); printed once. No account can make one.",
    args: "--name <holder>",
    options: { name: s },
    async run({ values, log }) {
      const v = required(values, "name");
      const key = await createOperatorKey(OPERATOR, { name: v.name });
      log(`Operator key ${key.id} for ${key.name}. Store it now, it is not shown again:`);
      log(key.key);
    },
  },
  "list-operator-keys": {
    summary: "List operator keys (id, prefix, holder, last use); never the keys themselves.",
    args: "",
    options: {},
    async run({ log }) {
      const keys = await listOperatorKeys(OPERATOR);
      if (!keys.length) return log("No operator keys.");
      const when = (d: Date | null) => (d ? d.toISOString() : "-");
      for (const k of keys) log(`${k.id}  ${k.prefix}…  ${k.name}  created ${when(k.createdAt)}  last used ${when(k.lastUsedAt)}  ${k.revokedAt ? `revoked ${when(k.revokedAt)}` : "active"}`);
    },
  },
  "revoke-operator-key": {
    summary: "Revoke an operator key; its next request is refused.",
    args: "--id <key id>",
    options: { id: s },
    async run({ values, log }) {
      const key = await revokeOperatorKey(OPERATOR, required(values, "id").id);
      log(`Operator key ${key.id} (${key.name}) revoked at ${key.revokedAt?.toISOString()}.`);
    },
  },
  "issue-voucher": {
    summary: "Issue a voucher (cash-like credit) to an account.",
    args: `--account <id> --amount <amount> ${validity} [--code <code>] ${WHO}`,
    options: { account: s, amount: s, expires: s, "valid-from": s, products: s, code: s, reason: s, by: s },
    async run({ values, log }) {
      const v = required(values, "account", "amount", "expires", "reason");
      const r = await issueVoucher(operator(values), v.account, {
        amount: v.amount, expiresAt: v.expires, validFrom: str(values["valid-from"]), productIds: list(values.products), code: str(values.code), reason: v.reason,
      });
      log(`Voucher ${r.id} (${r.code}) for ${toFixedString(r.faceValue)} issued to ${v.account}, valid ${r.validFrom.toISOString()} – ${r.expiresAt.toISOString()}, ${r.productIds.length ? r.productIds.join(", ") : "every product"}.`);
    },
  },
  "revoke-voucher": {
    summary: "Take back a voucher's unused part (what was used stays used).",
    args: `--account <id> --id <voucher id> ${WHO}`,
    options: { account: s, id: s, reason: s, by: s },
    async run({ values, log }) {
      const v = required(values, "account", "id", "reason");
      const r = await revokeVoucher(operator(values), v.account, v.id, { reason: v.reason });
      log(`Voucher ${r.id} (${r.code}) revoked: ${toFixedString(r.revokedAmount ?? "0")} taken back.`);
    },
  },
  "issue-coupon": {
    summary: "Issue a coupon: --percent or --amount-off per line or order, up to --max-value in total and --usage-limit uses.",
    args: `--account <id> (--percent <p> | --amount-off <amount>) --max-value <amount> [--usage-limit <n>] ${validity} [--code <code>] ${WHO}`,
    options: { account: s, percent: s, "amount-off": s, "max-value": s, "usage-limit": s, expires: s, "valid-from": s, products: s, code: s, reason: s, by: s },
    async run({ values, log }) {
      const v = required(values, "account", "max-value", "expires", "reason");
      const r = await issueCoupon(operator(values), v.account, {
        percentOff: str(values.percent), amountOff: str(values["amount-off"]), maxValue: v["max-value"], usageLimit: int(values["usage-limit"], "usage-limit"),
        expiresAt: v.expires, validFrom: str(values["valid-from"]), productIds: list(values.products), code: str(values.code), reason: v.reason,
      });
      const off = r.amountOff ? `${toFixedString(r.amountOff)} off` : `${r.discountPercent}% off`;
      log(`Coupon ${r.id} (${r.code}) issued to ${v.account}: ${off}, up to ${toFixedString(r.remaining)}${r.usageLimit ? ` over ${r.usageLimit} use(s)` : ""}.`);
    },
  },
  "revoke-coupon": {
    summary: "Take back a coupon's unused part.",
    args: `--account <id> --id <coupon id> ${WHO}`,
    options: { account: s, id: s, reason: s, by: s },
    async run({ values, log }) {
      const v = required(values, "account", "id", "reason");
      const r = await revokeCoupon(operator(values), v.account, v.id, { reason: v.reason });
      log(`Coupon ${r.id} (${r.code}) revoked: ${toFixedString(r.revokedAmount ?? "0")} taken back.`);
    },
  },
  "set-credit-limit": {
    summary: "Change an account's credit (overdraft) limit.",
    args: `--account <id> --amount <amount> ${WHO}`,
    options: { account: s, amount: s, reason: s, by: s },
    async run({ values, log }) {
      const v = required(values, "account", "amount", "reason");
      const a = await updateAccountTerms(operator(values), v.account, { creditLimit: v.amount, reason: v.reason });
      log(`Credit limit of ${a.id} is now ${toFixedString(a.creditLimit)} ${a.currency}.`);
    },
  },
  "set-currency": {
    summary: "Change an account's currency; refused once it has bill lines or money recorded.",
    args: `--account <id> --currency USD|RUB|KZT ${WHO}`,
    options: { account: s, currency: s, reason: s, by: s },
    async run({ values, log }) {
      const v = required(values, "account", "currency", "reason");
      const a = await updateAccountTerms(operator(values), v.account, { currency: v.currency, reason: v.reason });
      log(`Currency of ${a.id} is now ${a.currency}.`);
    },
  },
  adjust: {
    summary: "Credit or debit a closed cycle: an adjustment line in the open cycle, never an edit of the closed bill.",
    args: `--account <id> --credit <amount> | --debit <amount> --cycle <YYYY-MM> --product <id> [--billing-method payg|subscription|free] ${WHO}`,
    options: { account: s, credit: s, debit: s, cycle: s, product: s, "billing-method": s, reason: s, by: s },
    async run({ values, log }) {
      const v = required(values, "account", "cycle", "product", "reason");
      const credit = str(values.credit);
      const debit = str(values.debit);
      if ((credit === undefined) === (debit === undefined)) throw new BadRequestError("give exactly one of --credit and --debit");
      const r = await adjustAccount(operator(values), v.account, {
        kind: credit !== undefined ? "credit" : "debit", amount: credit ?? debit, billingCycle: v.cycle, productId: v.product, billingMethod: str(values["billing-method"]), reason: v.reason,
      });
      log(`Adjustment ${r.id}: ${r.kind} of ${toFixedString(r.amount)} for ${r.targetCycle} (${r.productId}, ${r.billingMethod}), line ${r.lineId} in cycle ${r.inCycle}.`);
    },
  },
};
