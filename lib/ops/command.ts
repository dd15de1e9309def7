// The shape of an operator command (lib/ops/commands.ts lists them).
import type { DbHandle } from "@/db/client";

export type Values = Record<string, string | boolean | undefined>;
export interface Ctx {
  values: Values;
  positionals: string[];
  handle: DbHandle;
  log: (line: string) => void;
}
export interface Command {
  summary: string;
  args: string;
  options: Record<string, { type: "string" | "boolean" }>;
  run(ctx: Ctx): Promise<void>;
}
