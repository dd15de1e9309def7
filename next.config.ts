import type { NextConfig } from "next";
import createNextIntlPlugin from "next-intl/plugin";

const nextConfig: NextConfig = {
  // Bundled PGlite fails at runtime; load it (and the native argon2) from node_modules.
  serverExternalPackages: ["@electric-sql/pglite", "argon2", "postgres"],
  poweredByHeader: false,
  // Lets parallel builds (e.g. a benchmark beside the tests) use their own output folder.
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
  outputFileTracingExcludes: { "*": [".data/**"] },
};

// Reads the message catalogue's request config from i18n/request.ts.
export default createNextIntlPlugin("./i18n/request.ts")(nextConfig);
