import type { z } from "zod";
import { BadRequestError } from "@/lib/errors";
import { findBadText } from "@/lib/text";

/** Parse with zod; a failure becomes a 400 naming the field and the reason. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const bad = findBadText(input);
  if (bad) throw new BadRequestError(bad.path ? `${bad.path}: ${bad.message}` : bad.message, { issues: [bad] });
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
  const first = issues[0];
  throw new BadRequestError(first.path ? `${first.path}: ${first.message}` : first.message, { issues });
}
