// The layer checker itself: the repository's config, run over a small tree of
// fixture modules, fails each wrong arrow with the rule that names it and lets
// the right ones through. (`npm run lint:layers` runs it over the real tree.)
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");
const FILES: Record<string, string> = {
  "tsconfig.json": JSON.stringify({ compilerOptions: { baseUrl: ".", paths: { "@/*": ["./*"] } } }),
  "lib/money.ts": "export const two = 2;\n",
  "lib/billing/rate.ts": 'import { two } from "@/lib/money";\nexport const rate = two;\n',
  // Right: lifecycle → billing → leaf; data → lifecycle; app → data.
  "lib/lifecycle/renew.ts": 'import { rate } from "@/lib/billing/rate";\nexport const renew = rate;\n',
  "lib/data/orders.ts": 'import { renew } from "@/lib/lifecycle/renew";\nexport const orders = renew;\n',
  "app/page/actions.ts": 'import { orders } from "@/lib/data/orders";\nexport type Shape = { ok: number };\nexport const act = orders;\n',
  // Wrong: billing reaching up into lifecycle.
  "lib/billing/jobs.ts": 'import { renew } from "@/lib/lifecycle/renew";\nexport const jobs = renew;\n',
  // Wrong: lifecycle and overdue are siblings.
  "lib/overdue/timeline.ts": 'import { renew } from "@/lib/lifecycle/renew";\nexport const timeline = renew;\n',
  // Wrong: a component naming a type from app/.
  "components/form.tsx": 'import type { Shape } from "@/app/page/actions";\nexport const form = (s: Shape) => s.ok;\n',
  // Wrong: a leaf importing a layer.
  "lib/ids.ts": 'import { orders } from "@/lib/data/orders";\nexport const ids = orders;\n',
};

interface Violation { rule: { name: string }; from: string; to: string }

describe("layer rules (.dependency-cruiser.cjs)", () => {
  let dir: string;
  let violations: Violation[];

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "layers-"));
    for (const [file, text] of Object.entries(FILES)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), text);
    }
    const bin = path.join(root, "node_modules/dependency-cruiser/bin/dependency-cruise.mjs");
    let out: string;
    try {
      out = execFileSync(process.execPath, [bin, "--config", path.join(root, ".dependency-cruiser.cjs"), "--output-type", "json", "app", "components", "lib"], { cwd: dir, encoding: "utf8" });
    } catch (e) {
      // Violations make the checker exit non-zero; its report is still on stdout.
      out = (e as { stdout: string }).stdout;
    }
    violations = JSON.parse(out).summary.violations;
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const found = () => violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();

  it("fails each wrong arrow with the rule that names it, and nothing else", () => {
    expect(found()).toEqual([
      "billing-points-down: lib/billing/jobs.ts → lib/lifecycle/renew.ts",
      "leaves-import-leaves: lib/ids.ts → lib/data/orders.ts",
      "lifecycle-overdue-siblings: lib/overdue/timeline.ts → lib/lifecycle/renew.ts",
      "presentation-types-from-below: components/form.tsx → app/page/actions.ts",
    ]);
  });
});
