// The operator CLI: `npm run ops -- <command> [options]`.
// Uses DATABASE_URL when set, else the embedded database under .data/. While
// `npm start` holds that folder, the everyday commands run inside the server
// (lib/ops/operator-endpoint); the others stop with exit code 2.
import { userInfo } from "node:os";
import { getHandle, setDatabaseOwner } from "@/db/client";
import { COMMANDS } from "@/lib/ops/commands";
import { DatabaseInUseError } from "@/lib/db-lock";
import { runThroughServer } from "@/lib/ops/operator-endpoint";
import { parseCommand, runCommand, THROUGH_SERVER, type OpsIo } from "@/lib/ops/run";

const io: OpsIo = { out: (l) => console.log(l), err: (l) => console.error(l) };

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, io);
  if (typeof parsed === "number") return parsed;
  setDatabaseOwner(`npm run ops -- ${parsed.name}`);
  let handle;
  try {
    handle = await getHandle();
  } catch (e) {
    if (e instanceof DatabaseInUseError) return throughServer(e, argv);
    throw e;
  }
  try {
    return await runCommand(parsed, handle, io);
  } finally {
    await handle.close();
  }
}

async function throughServer(inUse: DatabaseInUseError, argv: string[]): Promise<number> {
  const { holder } = inUse;
  const name = argv[0];
  if (!holder.operator || !THROUGH_SERVER.has(name)) {
    io.err(inUse.message);
    if (holder.operator) io.err(`(\`${name}\` does not run through the server; these do: ${[...THROUGH_SERVER].join(", ")}.)`);
    return 2;
  }
  // The audit log names whoever ran the CLI, not the user the server runs as.
  const named = Object.hasOwn(COMMANDS, name) && COMMANDS[name].options.by && !argv.some((a) => a === "--by" || a.startsWith("--by="));
  const result = await runThroughServer(holder.operator, named ? [...argv, "--by", userInfo().username] : argv);
  if (!result) {
    io.err(`${inUse.message}\n(Its operator endpoint on 127.0.0.1:${holder.operator.port} did not answer.)`);
    return 2;
  }
  io.err(`Ran inside \`${holder.command}\` (pid ${holder.pid}), which holds the embedded database.`);
  for (const line of result.stdout) io.out(line);
  for (const line of result.stderr) io.err(line);
  return result.code;
}

process.exitCode = await main(process.argv.slice(2));
