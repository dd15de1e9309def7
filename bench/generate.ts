// A deterministic, seedable generator of metered usage for benchmarks (and for
// any later benchmark that needs a realistic account): instances of every
// metered product and N usage records over them, in the shape of
// POST /api/v1/usage. The same (records, seed) always yields the same data.
import { seededRandom } from "@/lib/ids";

export interface BenchInstance {
  id: string;
  productId: string;
  regionId: string;
  name: string;
  createdAt: string;
}

export interface BenchRecord {
  id: string;
  instanceId: string;
  item: string;
  quantity: string;
  start: string;
  end: string;
  attributes?: Record<string, unknown>;
}

export interface GenerateOptions {
  /** How many usage records (default 1,000,000). */
  records?: number;
  /** PRNG seed (default 1). */
  seed?: number;
  /** First instant of the metered period (default 2026-01-01T00:00:00Z). */
  from?: string;
  /** Length of the period in days (default 31). */
  days?: number;
  /**
   * Aim at about this many bill lines: enough instances that (instance, item,
   * day) cells number this many (a line per cell the records reach). Without
   * it, about one instance per 5,000 records of each product, at most 100.
   */
  lines?: number;
}

export const BENCH_DEFAULTS = { records: 1_000_000, seed: 1, from: "2026-01-01T00:00:00Z", days: 31 } as const;

const HOUR = 3_600_000;
const GB = BigInt(1024 ** 3);
const REGIONS = ["cn-hangzhou", "cn-shanghai", "ap-southeast-1", "eu-central-1", "us-east-1"];

/** The period the records cover; the account's clock should be at `until` when they are sent. */
export function benchPeriod(opts: GenerateOptions = {}) {
  const from = new Date(opts.from ?? BENCH_DEFAULTS.from);
  const days = opts.days ?? BENCH_DEFAULTS.days;
  return { from, until: new Date(from.getTime() + days * 24 * HOUR), hours: days * 24 };
}

// What a month of an account's metering looks like: storage samples and traffic
// dominate, NAT Gateway / EIP send one record per hour, scans are rarer.
const MIX: { product: string; item: string; weight: number }[] = [
  { product: "oss", item: "storage", weight: 18 },
  { product: "oss", item: "internet-egress", weight: 14 },
  { product: "oss", item: "vpc-egress", weight: 5 },
  { product: "oss", item: "replication-egress", weight: 3 },
  { product: "registry-storage", item: "storage", weight: 18 },
  { product: "registry-storage", item: "egress", weight: 14 },
  { product: "registry-storage", item: "scanner", weight: 6 },
  { product: "nat-gateway", item: "instance", weight: 11 },
  { product: "eip", item: "instance", weight: 11 },
];
const PRODUCTS = ["oss", "registry-storage", "nat-gateway", "eip"];

/**
 * Bill lines one instance of each product makes per day when every item is
 * metered: OSS 4, Container Registry 5 (storage, egress by 3 networks,
 * scanner), NAT Gateway 1, EIP 1 — counted low (10), so `lines` is reached
 * even with a few cells that no record falls in.
 */
const LINES_PER_INSTANCE_SET_DAY = 10;

/** Instances for `records` records (or `lines` lines), at least one of each product. */
export function benchInstances(opts: GenerateOptions = {}): BenchInstance[] {
  const records = opts.records ?? BENCH_DEFAULTS.records;
  const days = opts.days ?? BENCH_DEFAULTS.days;
  const perProduct = opts.lines
    ? Math.max(1, Math.ceil(opts.lines / (days * LINES_PER_INSTANCE_SET_DAY)))
    : Math.max(1, Math.min(100, Math.round(records / 20_000)));
  const { from } = benchPeriod(opts);
  const createdAt = new Date(from.getTime() - 24 * HOUR).toISOString();
  return PRODUCTS.flatMap((productId, p) =>
    Array.from({ length: perProduct }, (_, i) => ({
      id: `${productId}-${i}`,
      productId,
      regionId: REGIONS[(i + p) % REGIONS.length],
      name: `${productId} ${i}`,
      createdAt,
    })),
  );
}

/** N usage records over benchInstances(opts), streamed. */
export function* generateUsage(opts: GenerateOptions = {}): Generator<BenchRecord> {
  const records = opts.records ?? BENCH_DEFAULTS.records;
  const seed = opts.seed ?? BENCH_DEFAULTS.seed;
  const rand = seededRandom(seed);
  const { from, hours } = benchPeriod(opts);
  const byProduct = new Map<string, BenchInstance[]>();
  for (const inst of benchInstances(opts)) byProduct.set(inst.productId, [...(byProduct.get(inst.productId) ?? []), inst]);
  const total = MIX.reduce((s, m) => s + m.weight, 0);
  const pick = () => {
    let r = rand() * total;
    for (const m of MIX) if ((r -= m.weight) < 0) return m;
    return MIX[MIX.length - 1];
  };
  const int = (n: number) => Math.floor(rand() * n);
  const at = (h: number) => new Date(from.getTime() + h * HOUR).toISOString();

  for (let i = 0; i < records; i++) {
    const m = pick();
    const pool = byProduct.get(m.product)!;
    const inst = pool[int(pool.length)];
    const hour = int(hours);
    const rec: BenchRecord = { id: `r${seed}-${i}`, instanceId: inst.id, item: m.item, quantity: "1", start: at(hour), end: at(hour + 1) };
    if (m.item === "storage") {
      // A layer (registry) or object (OSS) held for 1–48 hours; some digests recur across samples.
      const mb = 1 + int(4096);
      const bytes = BigInt(mb) * BigInt(1024 * 1024);
      rec.quantity = microString((bytes * 1_000_000n + GB / 2n) / GB);
      rec.end = at(Math.min(hours, hour + 1 + int(48)));
      rec.attributes = { layerDigest: `sha256:${inst.id}-${int(200)}`, bytes: Number(bytes) };
    } else if (m.item === "internet-egress" || m.item === "vpc-egress" || m.item === "replication-egress") {
      rec.quantity = microString(BigInt(1 + int(5_000_000))); // up to 5 GB per hour
    } else if (m.item === "egress") {
      rec.quantity = microString(BigInt(1 + int(5_000_000)));
      const r = rand();
      rec.attributes = { network: r < 0.7 ? "internet" : r < 0.9 ? "vpc" : "replication" };
    } else if (m.item === "scanner") {
      rec.quantity = String(1 + int(3));
      rec.end = rec.start; // a scan is an instant
    }
    yield rec;
  }
}

/** A whole number of millionths as a decimal string. */
function microString(micro: bigint): string {
  const s = micro.toString().padStart(7, "0");
  const frac = s.slice(-6).replace(/0+$/, "");
  return frac ? `${s.slice(0, -6)}.${frac}` : s.slice(0, -6);
}
