// Where to send a user after sign-in: only somewhere on this site. Browsers
// read "/\\evil.example" as "//evil.example", and strip tabs and newlines from
// URLs, so a prefix check is not enough: backslashes and control characters
// are refused outright, and the rest must resolve to the site's own origin.
export const AFTER_SIGN_IN = "/overview";

export function siteOrigin(): string {
  return new URL(process.env.NEXTAUTH_URL || "http://localhost").origin;
}

/** A same-origin path (with query and hash) for `target`, else the fallback. */
export function safeCallbackPath(target: unknown, origin = siteOrigin(), fallback = AFTER_SIGN_IN): string {
  // A repeated parameter arrives as an array: refused, like anything not a string.
  if (typeof target !== "string" || !target || /[\\\u0000-\u001f\u007f]/.test(target)) return fallback;
  let url: URL;
  try {
    url = new URL(target, origin);
  } catch {
    return fallback;
  }
  if (url.origin !== origin || url.pathname.startsWith("//")) return fallback;
  return url.pathname + url.search + url.hash;
}
