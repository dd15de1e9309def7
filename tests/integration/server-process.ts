// Real processes for integration tests: the real `npm start` (scripts/start.mjs →
// next start) on an embedded database folder of the test's own, the real ops CLI,
// and a wait on a process's output. Always on PGlite: DATABASE_URL is removed
// from the children, whichever pass runs the test.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";

export const root = process.cwd();

// A loaded 2-core machine: the first start may build the console, then seeds the demo.
export const FIRST_START_MS = 15 * 60_000;
export const START_MS = 5 * 60_000;
export const READY = /Operator commands \(npm run ops\) run through this server/;

/** The environment of a server and CLI on `dataDir`; `extra` on top. */
export function serverEnv(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PGLITE_DIR: dataDir, NEXTAUTH_SECRET: "server-process-test-secret", NEXT_TELEMETRY_DISABLED: "1", ...extra };
  delete env.DATABASE_URL;
  delete env.NODE_OPTIONS;
  return env;
}

export class Proc {
  output = "";
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private waiters: Array<() => void> = [];
  constructor(readonly child: ChildProcess) {
    const take = (chunk: Buffer) => {
      this.output += chunk.toString("utf8");
      for (const w of this.waiters) w();
    };
    child.stdout!.on("data", take);
    child.stderr!.on("data", take);
    this.exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
    void this.exited.then(() => this.waiters.forEach((w) => w()));
  }
  /** Resolves when the output matches; rejects if the process exits first or time runs out. */
  waitFor(re: RegExp, ms: number): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      let done = false;
      const timer = setTimeout(() => finish(new Error(`timed out waiting for ${re}; output:\n${this.output}`)), ms);
      const finish = (err: Error | null, m?: RegExpMatchArray) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        if (err) reject(err);
        else resolve(m!);
      };
      const check = () => {
        const m = this.output.match(re);
        if (m) return finish(null, m);
        if (this.child.exitCode !== null || this.child.signalCode !== null) finish(new Error(`exited before ${re}; output:\n${this.output}`));
      };
      this.waiters.push(check);
      check();
    });
  }
  get running() {
    return this.child.exitCode === null && this.child.signalCode === null;
  }
}

/** `npm start` on `port`; the process is added to `started` for the test's clean-up. */
export function npmStart(env: NodeJS.ProcessEnv, port: number, started: Proc[]): Proc {
  const p = new Proc(spawn(process.execPath, ["scripts/start.mjs"], { cwd: root, env: { ...env, PORT: String(port) }, stdio: ["ignore", "pipe", "pipe"] }));
  started.push(p);
  return p;
}

/** Stop what is still running (SIGTERM, then SIGKILL after 30 s). */
export async function stopAll(started: Proc[]): Promise<void> {
  for (const p of started) if (p.running) p.child.kill("SIGTERM");
  await Promise.all(started.map((p) => Promise.race([p.exited, new Promise((r) => setTimeout(r, 30_000))])));
  for (const p of started) if (p.running) p.child.kill("SIGKILL");
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/** The ops CLI (through the running server when one holds the folder). */
export function opsCli(env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const tsx = path.join(root, "node_modules", "tsx", "dist", "cli.mjs");
  return new Promise((resolve) => {
    execFile(process.execPath, [tsx, "--conditions=react-server", "scripts/ops.ts", ...args], { cwd: root, env }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}
