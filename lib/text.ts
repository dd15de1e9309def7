// Text the database can store: PostgreSQL refuses NUL in text and jsonb, and a
// lone UTF-16 surrogate in jsonb. Inputs are checked for both at the door, so
// such a value is a 400 naming the field instead of a database error.
const BAD_TEXT = /\u0000|\p{Cs}/u;

export function badTextReason(s: string): string | null {
  if (!BAD_TEXT.test(s)) return null;
  return s.includes("\u0000") ? "must not contain NUL characters" : "must be valid Unicode text";
}

/** The first string (value or object key) in `input` that cannot be stored, with its path. */
export function findBadText(input: unknown, path: (string | number)[] = []): { path: string; message: string } | null {
  if (typeof input === "string") {
    const message = badTextReason(input);
    return message ? { path: path.join("."), message } : null;
  }
  if (input instanceof URLSearchParams) {
    // Every pair, repeated names included.
    for (const [key, value] of input) {
      const found = findBadText({ [key]: value }, path);
      if (found) return found;
    }
    return null;
  }
  if (Array.isArray(input)) {
    for (let i = 0; i < input.length; i++) {
      const found = findBadText(input[i], [...path, i]);
      if (found) return found;
    }
    return null;
  }
  if (input !== null && typeof input === "object" && !(input instanceof Date)) {
    for (const [key, value] of Object.entries(input)) {
      const keyReason = badTextReason(key);
      if (keyReason) return { path: [...path, "(key)"].join("."), message: `keys ${keyReason}` };
      const found = findBadText(value, [...path, key]);
      if (found) return found;
    }
  }
  return null;
}
