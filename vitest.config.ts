import path from "node:path";
import { defineConfig } from "vitest/config";

const alias = {
  "@": path.resolve(import.meta.dirname),
  // lib/data is server-only; under vitest it is plain Node.
  "server-only": path.resolve(import.meta.dirname, "node_modules/server-only/empty.js"),
};

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: { name: "unit", include: ["lib/**/*.test.ts", "db/**/*.test.ts", "scripts/**/*.test.ts", "messages/**/*.test.ts"], environment: "node" },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // One PostgreSQL server is shared: files run one after another.
          fileParallelism: false,
        },
      },
      {
        resolve: { alias },
        // Only on a PostgreSQL server or Citus (DATABASE_URL): what needs several connections at once — the shared
        // job queue with worker processes, a bulk import racing a writer. Fails without one.
        test: { name: "queue", include: ["tests/queue/**/*.test.ts"], environment: "node", testTimeout: 300_000, hookTimeout: 120_000, fileParallelism: false },
      },
      {
        resolve: { alias },
        // Only on a Citus cluster (DATABASE_URL of its coordinator, CITUS_TEMP_DIR/PORT from scripts/citus-temp.sh).
        test: { name: "citus", include: ["tests/citus/**/*.test.ts"], environment: "node", testTimeout: 300_000, hookTimeout: 300_000, fileParallelism: false },
      },
    ],
  },
});
