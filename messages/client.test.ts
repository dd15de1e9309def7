import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import en from "./en.json";
import { CLIENT_NAMESPACES, clientMessages } from "./client";

const root = path.resolve(import.meta.dirname, "..");

function sources(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name) && !e.name.endsWith(".test.ts"))
    .map((e) => path.join(e.parentPath, e.name));
}

describe("messages sent to client components", () => {
  it("cover every namespace a client component translates with, and no other", () => {
    const used = new Set<string>();
    for (const file of [...sources("components"), ...sources("app")]) {
      const text = readFileSync(file, "utf8");
      if (!/^\s*["']use client["']/m.test(text)) continue;
      for (const m of text.matchAll(/useTranslations\(\s*["']([^"'.]+)/g)) used.add(m[1]);
      // A client component translating from the root would need every namespace.
      expect(text, file).not.toMatch(/useTranslations\(\s*\)|useMessages\(/);
    }
    expect([...used].sort()).toEqual([...CLIENT_NAMESPACES].sort());
  });

  it("picks those namespaces only", () => {
    const picked = clientMessages(en);
    expect(Object.keys(picked).sort()).toEqual([...CLIENT_NAMESPACES].sort());
    expect(picked.nav).toEqual(en.nav);
  });
});
