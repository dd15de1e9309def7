// `npm run ops -- citus-status`: on a Citus cluster, each table's kind
// (distributed by which column, or reference), its shards and size, and the nodes.
import { citusStatus, hasCitus } from "@/db/citus";
import type { DbHandle } from "@/db/client";
import { BadRequestError } from "@/lib/errors";

export const citusStatusCommand = {
  summary: "On a Citus cluster: the tables, their kind and shard counts, and the nodes.",
  args: "",
  options: {},
  async run({ handle, log }: { handle: DbHandle; log: (line: string) => void }) {
    if (handle.kind !== "postgres" || !(await hasCitus(handle.db))) {
      throw new BadRequestError("this database is not a Citus cluster (no citus extension); see the README's \"Scaling out\".");
    }
    const { tables, nodes } = await citusStatus(handle.db);
    log(`Nodes: ${nodes.map((n) => `${n.name}:${n.port} (${n.role})`).join(", ")}`);
    log(`${"table".padEnd(26)} ${"kind".padEnd(12)} ${"by".padEnd(12)} ${"shards".padStart(6)}  colocation  size`);
    for (const t of tables) {
      log(`${t.table.padEnd(26)} ${t.kind.padEnd(12)} ${(t.column ?? "—").padEnd(12)} ${String(t.shards).padStart(6)}  ${String(t.colocationId).padStart(10)}  ${t.size}`);
    }
    const counts = new Map<string, number>();
    for (const t of tables) counts.set(t.kind, (counts.get(t.kind) ?? 0) + 1);
    log(`${tables.length} tables: ${[...counts].map(([k, n]) => `${n} ${k}`).join(", ")}.`);
  },
};
