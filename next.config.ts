import type { NextConfig } from "next";
import { API_CSP, SECURITY_HEADERS } from "./lib/security-headers";
import createNextIntlPlugin from "next-intl/plugin";

const nextConfig: NextConfig = {
  // Bundled PGlite fails at runtime; load it (and the native argon2) from node_modules.
  serverExternalPackages: ["@electric-sql/pglite", "argon2", "postgres"],
  poweredByHeader: false,
  // Lets parallel builds (e.g. a benchmark beside the tests) use their own output folder.
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
  outputFileTracingExcludes: { "*": [".data/**"] },
  // Pages get their CSP (with a nonce) from proxy.ts; everything gets these.
  async headers() {
    return [
      { source: "/:path*", headers: SECURITY_HEADERS },
      { source: "/api/:path*", headers: [{ key: "Content-Security-Policy", value: API_CSP }] },
    ];
  },
};

// Reads the message catalogue's request config from i18n/request.ts.
export default createNextIntlPlugin("./i18n/request.ts")(nextConfig);
