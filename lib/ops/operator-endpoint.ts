// While the server holds the embedded database, `npm run ops` runs its
// commands inside the server through this endpoint, so the server sees each
// change at once and the folder keeps one writer. It listens on 127.0.0.1 only
// and wants the bearer token published in the 0600 lock file: other local
// users cannot read it, and browsers are turned away (no Origin/Sec-Fetch-*,
// Host must be the loopback address, which defeats DNS rebinding).
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, request, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { DbHandle } from "@/db/client";
import { parseCommand, runCommand, THROUGH_SERVER, type OpsIo } from "./run";

const MAX_BODY = 64 * 1024;

export interface OpsResult {
  code: number;
  stdout: string[];
  stderr: string[];
}

/** Serve operator commands for this process's database; publishes port and token in its lock. */
export async function startOperatorEndpoint(handle: DbHandle, log: (line: string) => void): Promise<Server> {
  const lock = handle.lock;
  if (!lock) throw new Error("The operator endpoint serves an embedded database this process holds.");
  const token = randomBytes(32).toString("base64url");
  let port = 0;
  const server = createServer(async (req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(JSON.stringify(body));
    };
    const refused = refusal(req, port, token);
    if (refused) return reply(refused[0], { error: refused[1] });
    let argv: unknown;
    try {
      argv = (JSON.parse(await readBody(req)) as { argv?: unknown }).argv;
    } catch (e) {
      return reply(400, { error: (e as Error).message });
    }
    if (!Array.isArray(argv) || !argv.every((a) => typeof a === "string")) return reply(400, { error: "send {\"argv\": [\"<command>\", …]}" });
    const result = await execute(argv, handle);
    log(`Operator command ${argv[0] ?? "(none)"} ran through this server (exit ${result.code}).`);
    reply(200, result);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: "127.0.0.1", port: 0 }, resolve);
  });
  port = (server.address() as AddressInfo).port;
  server.unref(); // never what keeps the process alive
  lock.advertise({ port, token });
  log(`Operator commands (npm run ops) run through this server while it holds the embedded database.`);
  return server;
}

async function execute(argv: string[], handle: DbHandle): Promise<OpsResult> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const io: OpsIo = { out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
  const parsed = parseCommand(argv, io);
  if (typeof parsed === "number") return { code: parsed, stdout, stderr };
  if (!THROUGH_SERVER.has(parsed.name)) {
    return { code: 2, stdout, stderr: [`\`${parsed.name}\` does not run through the server.`] };
  }
  try {
    return { code: await runCommand(parsed, handle, io), stdout, stderr };
  } catch (e) {
    stderr.push(`Error: ${(e as Error).message}`);
    return { code: 1, stdout, stderr };
  }
}

function refusal(req: IncomingMessage, port: number, token: string): [number, string] | null {
  if (req.url !== "/ops") return [404, "not found"];
  if (req.method !== "POST") return [405, "POST only"];
  if (req.headers.origin !== undefined || req.headers["sec-fetch-site"] !== undefined || req.headers["sec-fetch-mode"] !== undefined) {
    return [403, "not for browsers"];
  }
  if (req.headers.host !== `127.0.0.1:${port}`) return [403, "wrong host"];
  const given = /^Bearer (\S+)$/.exec(req.headers.authorization ?? "")?.[1];
  if (!given || !timingSafeEqual(digest(given), digest(token))) return [401, "bad token"];
  if (!/^application\/json\b/.test(req.headers["content-type"] ?? "")) return [415, "send application/json"];
  return null;
}

const digest = (s: string) => createHash("sha256").update(s).digest();

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new Error("body too large");
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** The CLI side: run argv inside the server; null when nothing answers on that port. */
export function runThroughServer(operator: { port: number; token: string }, argv: string[]): Promise<OpsResult | null> {
  const body = JSON.stringify({ argv });
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: operator.port,
        path: "/ops",
        method: "POST",
        headers: { authorization: `Bearer ${operator.token}`, "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          if (res.statusCode !== 200) return reject(new Error(`The server's operator endpoint answered ${res.statusCode}: ${text}`));
          resolve(JSON.parse(text) as OpsResult);
        });
        res.on("error", reject);
      },
    );
    req.on("error", (e: NodeJS.ErrnoException) => (e.code === "ECONNREFUSED" ? resolve(null) : reject(e)));
    req.end(body);
  });
}
