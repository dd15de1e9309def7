// The operator CLI: `npm run ops -- <command> [options]`.
// Uses DATABASE_URL when set, else the embedded database under .data/ (stop
// `npm start` first: one process per embedded database folder).
import { parseArgs } from "node:util";
import { getHandle } from "@/db/client";
import { AppError } from "@/lib/errors";
import { COMMANDS, usage } from "@/lib/ops/commands";

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`Unknown command '${name}'.\n\n${usage()}`);
    return 2;
  }
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true }));
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${usage(name)}`);
    return 2;
  }
  const handle = await getHandle();
  try {
    await command.run({ values, positionals, handle, log: (s) => console.log(s) });
    return 0;
  } catch (e) {
    if (e instanceof AppError) {
      console.error(`Error: ${e.message}`);
      return e.status === 400 ? 2 : 1;
    }
    throw e;
  } finally {
    await handle.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
