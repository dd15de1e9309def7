import { z } from "zod";
import { parseInstant } from "@/lib/billing/usage-validate";
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

/** An instant in the API's accepted formats (ISO 8601 with an offset), as a Date; otherwise the parser's reason. */
export const instant = z.string().transform((s, ctx) => {
  const d = parseInstant(s);
  if (typeof d === "string") {
    ctx.addIssue({ code: "custom", message: d });
    return z.NEVER;
  }
  return d;
});
