// A benchmark account: created, topped up so settlement pays everything, with
// the generated instances registered (shared by the engine and views benchmarks).
import { OPERATOR } from "@/lib/data/caller";
import { createAccount } from "@/lib/data/operator";
import { registerInstance } from "@/lib/data/resource-events";
import { topUp } from "@/lib/data/top-ups";
import { benchInstances, type GenerateOptions } from "./generate";

/** Records per API request in the benchmarks. */
export const API_BATCH = 10_000;

export async function setUpAccount(id: string, gen: GenerateOptions) {
  await createAccount(OPERATOR, { id, name: `Bench ${id}`, timeZone: "UTC" });
  // Enough balance that settlement pays everything and no overdue stops billing.
  await topUp(OPERATOR, { amount: "100000000", at: new Date("2020-01-01T00:00:00Z") }, id);
  for (const inst of benchInstances(gen)) {
    await registerInstance(OPERATOR, { ...inst, billingMethod: "payg" }, id);
  }
}
