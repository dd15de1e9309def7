// The production build on a fresh embedded database (seeded with the demo on
// start), for Playwright. Requires `next build` to have run.
import { spawn } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const port = process.env.E2E_PORT ?? "3100";
// Named by the port, so a spec can run ops commands against this server's
// database (they go through its operator endpoint): see e2e/ops.ts.
const dir = path.join(os.tmpdir(), `billing-e2e-${port}`);
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const env = {
  ...process.env,
  PGLITE_DIR: path.join(dir, "pglite"),
  NEXTAUTH_SECRET: "e2e-secret-not-for-production",
  NEXTAUTH_URL: `http://localhost:${port}`,
  NEXT_TELEMETRY_DISABLED: "1",
  // Specs move an account's clock (test-clock API) and receive webhooks on 127.0.0.1.
  BILLING_TEST_CLOCK: "1",
  WEBHOOKS_ALLOW_PRIVATE: "1",
};
delete env.DATABASE_URL;
const server = spawn("npx", ["next", "start", "-p", port], { stdio: "inherit", env });
const stop = () => server.kill("SIGTERM");
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
server.on("exit", (code) => {
  rmSync(dir, { recursive: true, force: true });
  process.exit(code ?? 0);
});
