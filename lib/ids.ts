import { randomBytes, randomUUID, hash } from "node:crypto";

export const newId = (prefix: string) => `${prefix}_${randomUUID().replace(/-/g, "").slice(0, 20)}`;

let seq = 0;
/**
 * An id that sorts in creation order within a process (wall-clock ms, then a
 * counter), for rows listed by (instant, id) whose instants can tie — a fixed
 * or test clock gives every action of a request the same instant.
 */
export function sortableId(prefix: string): string {
  seq = (seq + 1) % 36 ** 4;
  const rand = randomBytes(5).toString("hex");
  return `${prefix}_${Date.now().toString(36).padStart(9, "0")}${seq.toString(36).padStart(4, "0")}${rand}`;
}

/** Hex sha256 of the UTF-8 text (one-shot `crypto.hash`: half the cost of createHash for short inputs). */
export function sha256(s: string): string {
  return hash("sha256", s, "hex");
}

export function randomSecret(bytes = 24): string {
  return randomBytes(bytes).toString("base64url");
}

/** Deterministic PRNG (mulberry32) for the demo seed and benchmarks. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
