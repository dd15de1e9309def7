// Parse and run one operator command; the CLI (scripts/ops.ts) and the
// server's operator endpoint both go through here, so they behave alike.
import { parseArgs } from "node:util";
import type { DbHandle } from "@/db/client";
import { AppError } from "@/lib/errors";
import { COMMANDS, usage } from "./commands";

export interface OpsIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

export interface ParsedCommand {
  name: string;
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/**
 * Commands that may run inside the running server while it holds the
 * embedded database: their input is all on the command line. Those reading
 * files (import-usage, load-catalog) or loading the demo need the folder free.
 */
export const THROUGH_SERVER = new Set([
  "top-up", "create-account", "create-user", "create-api-key", "set-password", "disable-user", "run-jobs", "status",
  "create-operator-key", "issue-voucher", "revoke-voucher", "issue-coupon", "revoke-coupon", "set-credit-limit", "set-currency", "adjust",
]);

/** The command and its options, or the exit code after printing why not. */
export function parseCommand(argv: string[], io: OpsIo): ParsedCommand | number {
  const [name, ...rest] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    io.out(usage());
    return name ? 0 : 2;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    io.err(`Unknown command '${name}'.\n\n${usage()}`);
    return 2;
  }
  try {
    const { values, positionals } = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
    return { name, values, positionals };
  } catch (e) {
    io.err(`${(e as Error).message}\n\n${usage(name)}`);
    return 2;
  }
}

/** Runs a parsed command; typed errors become a message and an exit code (2 for bad input). */
export async function runCommand(parsed: ParsedCommand, handle: DbHandle, io: OpsIo): Promise<number> {
  try {
    await COMMANDS[parsed.name].run({ values: parsed.values, positionals: parsed.positionals, handle, log: io.out });
    return 0;
  } catch (e) {
    if (e instanceof AppError) {
      io.err(`Error: ${e.message}`);
      return e.status === 400 ? 2 : 1;
    }
    throw e;
  }
}
