import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Bundled PGlite fails at runtime; load it (and the native argon2) from node_modules.
  serverExternalPackages: ["@electric-sql/pglite", "argon2", "postgres"],
  poweredByHeader: false,
  outputFileTracingExcludes: { "*": [".data/**"] },
};

export default nextConfig;
