import next from "eslint-config-next";
import nextTs from "eslint-config-next/typescript";

const config = [
  ...next,
  ...nextTs,
  {
    ignores: [".next/**", ".next-*/**", "node_modules/**", ".data/**", "e2e/artifacts/**", "db/migrations/**", "next-env.d.ts", "test-results/**"],
  },
  {
    rules: {
      // Money is never a JS number: Decimal only.
      "no-restricted-globals": ["error", { name: "parseFloat", message: "Use Decimal for money and quantities." }],
    },
  },
];
export default config;
