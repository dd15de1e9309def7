// The client address used to throttle sign-ins. Next.js hands route handlers
// no socket, so the server itself appends the address each connection really
// came from to X-Forwarded-For, as a proxy would (recordPeerAddresses, called
// at start-up). The right-most entry is then that address; each trusted proxy
// in front (TRUSTED_PROXY_HOPS, default 0) appended one more, so the client is
// the entry just left of them — anything further left was written by the client.
import { subscribe } from "node:diagnostics_channel";
import type { IncomingHttpHeaders } from "node:http";
import type { Socket } from "node:net";

const INSTALLED = Symbol.for("billing-console.peer-address-hook");
type Flagged = typeof globalThis & { [INSTALLED]?: boolean };

export function appendPeerAddress(headers: IncomingHttpHeaders, peer: string | undefined): void {
  const prior = headers["x-forwarded-for"];
  const list = [...(Array.isArray(prior) ? prior : prior ? [prior] : []), peer ?? "unknown"];
  headers["x-forwarded-for"] = list.join(", ");
}

/** Node publishes every request on this channel before the server sees it. */
export function recordPeerAddresses(): void {
  const g = globalThis as Flagged;
  if (g[INSTALLED]) return;
  subscribe("http.server.request.start", (message) => {
    const { request, socket } = message as { request: { headers: IncomingHttpHeaders }; socket: Socket };
    appendPeerAddress(request.headers, socket.remoteAddress);
  });
  g[INSTALLED] = true;
}

export function peerAddressesRecorded(): boolean {
  return (globalThis as Flagged)[INSTALLED] === true;
}

export function trustedProxyHops(env: string | undefined = process.env.TRUSTED_PROXY_HOPS): number {
  const n = Number(env ?? 0);
  return Number.isInteger(n) && n >= 0 ? n : 0;
}

/** The right-most address not written by a trusted proxy, or null if there is none. */
export function clientAddress(forwardedFor: string | string[] | undefined, hops = trustedProxyHops()): string | null {
  const raw = Array.isArray(forwardedFor) ? forwardedFor.join(",") : (forwardedFor ?? "");
  const entries = raw.split(",").map((e) => e.trim()).filter(Boolean);
  if (!entries.length) return null;
  const entry = entries[Math.max(0, entries.length - 1 - hops)];
  // IPv4 clients of a dual-stack socket show as ::ffff:a.b.c.d; one client, one bucket.
  return entry.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, "").slice(0, 64);
}
