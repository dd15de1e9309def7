// Run an operator command (`npm run ops -- …`) against the e2e server's
// embedded database: the server holds it, so the CLI runs the command through
// the server's operator endpoint, the same path an operator uses.
import { execFileSync } from "node:child_process";
import os from "node:os";
import path from "node:path";

const port = process.env.E2E_PORT ?? "3100";

export function ops(...args: string[]): string {
  return execFileSync("npx", ["tsx", "--conditions=react-server", "scripts/ops.ts", ...args], {
    cwd: process.cwd(),
    encoding: "utf8",
    env: { ...process.env, PGLITE_DIR: path.join(os.tmpdir(), `billing-e2e-${port}`, "pglite"), DATABASE_URL: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
}
