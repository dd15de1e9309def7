// The browser-side security policy, shared by next.config.ts (headers on every
// response) and proxy.ts (the per-request CSP with a script nonce).

/** On every response: no framing, no sniffing, no referrer to other sites, no device APIs. */
export const SECURITY_HEADERS: { key: string; value: string }[] = [
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "same-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
];

/** JSON and CSV responses run no scripts and are never framed. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/**
 * Pages: scripts only with this request's nonce (Next.js adds it to its own
 * scripts); 'strict-dynamic' lets those load their chunks. Styles allow inline
 * style attributes, which React and the charts write (a nonce cannot cover
 * attributes). In development React needs eval for its debugging aids.
 */
export function pageCsp(nonce: string, dev = false): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}
