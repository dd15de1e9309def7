// Where webhooks may go: http(s) only, and never to private, loopback,
// link-local or otherwise internal addresses — every address a name resolves
// to is checked, at creation and again at each connection (so a name that
// re-resolves to an internal address is refused). Operators may allow private
// targets (WEBHOOKS_ALLOW_PRIVATE=1), e.g. for tests or on-premises receivers.
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { BlockList, isIP } from "node:net";
import { BadRequestError } from "@/lib/errors";

const blocked = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12],
  ["192.0.0.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15], ["224.0.0.0", 4], ["240.0.0.0", 4],
] as const) blocked.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of [["::", 128], ["::1", 128], ["fc00::", 7], ["fe80::", 10], ["ff00::", 8]] as const) blocked.addSubnet(net, prefix, "ipv6");

export function privateTargetsAllowed(): boolean {
  return process.env.WEBHOOKS_ALLOW_PRIVATE === "1";
}

/** True for addresses a webhook must not reach (IPv4-mapped IPv6 checked as IPv4). */
export function isPrivateAddress(address: string): boolean {
  const mapped = address.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i);
  if (mapped) return isPrivateAddress(mapped[1]);
  const family = isIP(address);
  if (family === 0) return true;
  return blocked.check(address, family === 4 ? "ipv4" : "ipv6");
}

/** Syntax only: an absolute http(s) URL without credentials. */
export function parseWebhookUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new BadRequestError("url: must be an absolute http or https URL.");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new BadRequestError("url: only http and https URLs are allowed.");
  if (url.username || url.password) throw new BadRequestError("url: must not carry a user name or password.");
  return url;
}

function resolveAll(host: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => dnsLookup(host, { all: true }, (err, addrs) => (err ? reject(err) : resolve(addrs))));
}

/** Resolve the URL's host and refuse it if any address is internal (unless allowed). */
export async function assertDeliverableUrl(raw: string): Promise<URL> {
  const url = parseWebhookUrl(raw);
  if (privateTargetsAllowed()) return url;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  let addrs: LookupAddress[];
  try {
    addrs = isIP(host) ? [{ address: host, family: isIP(host) }] : await resolveAll(host);
  } catch {
    throw new BadRequestError(`url: the host ${host} does not resolve.`);
  }
  if (!addrs.length || addrs.some((a) => isPrivateAddress(a.address))) {
    throw new BadRequestError("url: private, loopback and link-local addresses are not allowed.");
  }
  return url;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A `lookup` for http(s).request that refuses internal addresses at connect time. */
export function guardedLookup(hostname: string, options: { all?: boolean; family?: number } | number, callback: LookupCallback): void {
  const all = typeof options === "object" && options.all === true;
  dnsLookup(hostname, { all: true }, (err, addrs) => {
    if (err) return callback(err, all ? [] : "", 0);
    if (!privateTargetsAllowed() && addrs.some((a) => isPrivateAddress(a.address))) {
      const e: NodeJS.ErrnoException = new Error(`${hostname} resolves to a private address; refused.`);
      e.code = "EPRIVATE";
      return callback(e, all ? [] : "", 0);
    }
    if (all) return callback(null, addrs);
    callback(null, addrs[0].address, addrs[0].family);
  });
}
