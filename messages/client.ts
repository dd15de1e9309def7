// The message namespaces client components use (useTranslations in a "use client"
// file). Only these travel to the browser: the whole catalogue would be ~27 KB of
// every page's payload. messages/client.test.ts keeps the list in step with the code.
export const CLIENT_NAMESPACES = ["columns", "countdown", "lifecycle", "nav", "orderType", "shell", "signin", "summary", "tags", "topUp", "webhooks"] as const;

export function clientMessages<M extends Record<string, unknown>>(messages: M): Partial<M> {
  return Object.fromEntries(CLIENT_NAMESPACES.filter((n) => n in messages).map((n) => [n, messages[n]])) as Partial<M>;
}
