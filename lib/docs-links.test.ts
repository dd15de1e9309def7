// The repo stands alone: code and docs point at sections of docs/, never at
// files outside the repo, and every docs/ link with an anchor lands on a
// heading that exists (a renamed heading breaks the test, not the reader).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = process.cwd();
const DIRS = ["app", "lib", "components", "db", "scripts", "bench", "tests", "e2e", "docs", "i18n", "messages"];
const files = [
  ...readdirSync(root).filter((f) => /\.(md|ts|mjs)$/.test(f)),
  ...DIRS.filter((d) => existsSync(path.join(root, d))).flatMap((d) =>
    readdirSync(path.join(root, d), { recursive: true, encoding: "utf8" }).map((f) => `${d}/${f.split(path.sep).join("/")}`),
  ),
].filter((f) => /\.(ts|tsx|mjs|md|json)$/.test(f) && statSync(path.join(root, f)).isFile() && !/(^|\/)(node_modules|artifacts|test-results)\/|^db\/migrations\//.test(f));
const read = (f: string) => readFileSync(path.join(root, f), "utf8");

/** GitHub's heading anchors: lower case, punctuation dropped, spaces → '-'. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[`*_]/g, "")
    .replace(/[^\p{L}\p{N}\s-]/gu, "")
    .replace(/\s/g, "-");
}

function anchorsOf(file: string): Set<string> {
  const text = read(file).replace(/```[\s\S]*?```/g, "");
  return new Set([...text.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => slug(m[1])));
}

describe("docs links", () => {
  it("no file refers to the spec outside the repo or to issue history", () => {
    // History notes in any form: "(issue 5)", "(issue 4, 2-core machine)", "(task 12: …)".
    const outside = new RegExp(["\\.\\./shared", "PRODUCT\\.md", "\\u00a7", "\\((issue|task) \\d+\\b"].join("|"), "i");
    const offenders = files.filter((f) => f !== "lib/docs-links.test.ts" && outside.test(read(f)));
    expect(offenders).toEqual([]);
    for (const note of ["(issue 5)", "Targets (issue 4, 2-core machine)", "(Task 12: later)"]) expect(outside.test(note), note).toBe(true);
    expect(outside.test("an issue 4 hours old (issue tracker)")).toBe(false);
  });

  it("every docs/…md#anchor lands on a heading", () => {
    const broken: string[] = [];
    let checked = 0;
    for (const f of files) {
      const text = read(f);
      // Paths written from the repo root (comments) and relative links inside docs/.
      const refs = [...text.matchAll(/\bdocs\/([\w-]+\.md)#([\w-]+)/g)].map((m) => ({ doc: `docs/${m[1]}`, anchor: m[2] }));
      if (f.startsWith("docs/")) {
        for (const m of text.matchAll(/\]\(([\w-]*\.md)?#([\w-]+)\)/g)) refs.push({ doc: m[1] ? `docs/${m[1]}` : f, anchor: m[2] });
      }
      for (const { doc, anchor } of refs) {
        checked++;
        if (!existsSync(path.join(root, doc)) || !anchorsOf(doc).has(anchor)) broken.push(`${f}: ${doc}#${anchor}`);
      }
    }
    expect(checked).toBeGreaterThan(40);
    expect(broken).toEqual([]);
  });
});
