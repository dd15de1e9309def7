// Helpers shared by the benchmarks: shell, a throw-away PostgreSQL 15 server
// (scripts/pg-temp.sh), the machine line and number formatting.
import { execFileSync } from "node:child_process";
import os from "node:os";

export function sh(script: string): string {
  return execFileSync("bash", ["-c", script], { encoding: "utf8", cwd: process.cwd() }).trim();
}

/** Starts scripts/pg-temp.sh's server from a child bash; it outlives the shell until stopped. */
export function startPostgres(): { url: string; dir: string } {
  const out = sh('source scripts/pg-temp.sh && pg_temp_start >&2 && echo "$DATABASE_URL $PG_TEMP_DIR"');
  const [url, dir] = out.split("\n").at(-1)!.split(" ");
  return { url, dir };
}
export function stopPostgres(dir: string) {
  sh(`source scripts/pg-temp.sh && PG_TEMP_DIR=${JSON.stringify(dir)} pg_temp_stop`);
}

/** A throw-away 3-node Citus cluster (scripts/citus-temp.sh), with Citus' production shard count. */
export function startCitus(): { url: string; dir: string } {
  const out = sh('source scripts/citus-temp.sh && CITUS_SHARD_COUNT=32 citus_temp_start >&2 && echo "$DATABASE_URL $CITUS_TEMP_DIR"');
  const [url, dir] = out.split("\n").at(-1)!.split(" ");
  return { url, dir };
}
export function stopCitus(dir: string) {
  sh(`source scripts/citus-temp.sh && CITUS_TEMP_DIR=${JSON.stringify(dir)} citus_temp_stop`);
}

export const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

export function loadAverage(): string {
  return sh("uptime").replace(/^.*load average/, "load average");
}

/** "### <date> UTC — commit <sha>" for a BENCHMARKS.md entry. */
export function runHeading(): string {
  return `### ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC — commit ${sh("git rev-parse --short HEAD")}${sh("git status --porcelain") ? " (with uncommitted changes)" : ""}`;
}

export function machineLine(): string {
  return `Machine: ${os.cpus()[0]?.model ?? "?"}, nproc ${sh("nproc")}, ${sh("free -g | awk '/^Mem:/ {print $2\" GB total, \"$7\" GB available\"}'")}; load before: ${loadAverage()}`;
}
