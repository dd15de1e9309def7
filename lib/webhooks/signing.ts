// Signatures: HMAC-SHA256 with the endpoint's secret over `${timestamp}.${body}`,
// sent as `Billing-Signature: t=<unix seconds>,v1=<hex>` (docs/webhooks.md).
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "billing-signature";
export const EVENT_ID_HEADER = "billing-event-id";

export function sign(secret: string, timestamp: number, body: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
}

export function signatureHeader(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${sign(secret, timestamp, body)}`;
}

/** What a receiver does; `toleranceSeconds` rejects replays of old requests. */
export function verifySignature(secret: string, header: string, body: string, nowSeconds: number, toleranceSeconds = 300): boolean {
  const parts = Object.fromEntries(header.split(",").map((p) => p.trim().split("=", 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1 || Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const expected = Buffer.from(sign(secret, t, body), "hex");
  const given = Buffer.from(parts.v1, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
