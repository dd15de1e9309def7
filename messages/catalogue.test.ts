// Every message catalogue in this folder (one JSON file per language) must have
// exactly the same keys as every other, each message must be valid ICU, and a
// translation must use the same arguments and tags as the English original —
// so a key added on any branch in one language only fails here.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse, TYPE, type MessageFormatElement } from "@formatjs/icu-messageformat-parser";
import { describe, expect, it } from "vitest";
import { LOCALES } from "@/lib/i18n/locale";

type Tree = { [key: string]: string | Tree };
const dir = import.meta.dirname;
const catalogues = Object.fromEntries(
  readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => [path.basename(f, ".json"), JSON.parse(readFileSync(path.join(dir, f), "utf8")) as Tree]),
);

/** "a.b.c" → message, for every leaf. */
function flatten(tree: Tree, prefix = ""): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === "object" && !Array.isArray(v)) for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
    else out.set(key, v);
  }
  return out;
}

/** The arguments and tags a message uses (plural branches and tag contents included). */
function names(elements: MessageFormatElement[], out = new Set<string>()): Set<string> {
  for (const e of elements) {
    if (e.type === TYPE.literal || e.type === TYPE.pound) continue;
    out.add(e.type === TYPE.tag ? `<${e.value}>` : e.value);
    if (e.type === TYPE.plural || e.type === TYPE.select) for (const o of Object.values(e.options)) names(o.value, out);
    if (e.type === TYPE.tag) names(e.children, out);
  }
  return out;
}

const flat = Object.fromEntries(Object.entries(catalogues).map(([locale, tree]) => [locale, flatten(tree)]));

describe("message catalogues", () => {
  it("has one catalogue per supported language", () => {
    expect(Object.keys(catalogues).sort()).toEqual([...LOCALES].sort());
  });

  it.each(Object.keys(catalogues).flatMap((a) => Object.keys(catalogues).filter((b) => b !== a).map((b) => [a, b])))(
    "every key in %s is also in %s",
    (a, b) => {
      const missing = [...flat[a].keys()].filter((k) => !flat[b].has(k));
      expect(missing, `keys in ${a}.json missing from ${b}.json`).toEqual([]);
    },
  );

  it.each(Object.keys(catalogues))("every message in %s is a non-empty, valid ICU message", (locale) => {
    for (const [key, message] of flat[locale]) {
      expect(typeof message, `${locale}: ${key}`).toBe("string");
      expect((message as string).trim(), `${locale}: ${key}`).not.toBe("");
      expect(() => parse(message as string), `${locale}: ${key}`).not.toThrow();
    }
  });

  it.each(Object.keys(catalogues).filter((l) => l !== "en"))("%s uses the same arguments and tags as English", (locale) => {
    for (const [key, message] of flat.en) {
      const other = flat[locale].get(key);
      if (typeof other !== "string" || typeof message !== "string") continue; // reported above
      expect([...names(parse(other))].sort(), `${locale}: ${key}`).toEqual([...names(parse(message))].sort());
    }
  });
});
