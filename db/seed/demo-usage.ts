// Three months of metered usage for the demo's pay-as-you-go resources.
import type { UsageRow } from "@/lib/billing/usage";
import { dec, round6 } from "@/lib/money";

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const GB = 1024 ** 3;

interface Source {
  accountId: string;
  id: string;
  productId: string;
  createdDaysAgo: number;
  releasedDaysAgo?: number;
}

export function demoUsage({ now, rand, instances }: { now: Date; rand: () => number; instances: Source[] }): UsageRow[] {
  const rows: UsageRow[] = [];
  const push = (s: Source, itemId: string, quantity: string, startAt: Date, endAt: Date, attributes: Record<string, unknown> | null, n: number) =>
    rows.push({ accountId: s.accountId, id: `demo-${s.id}-${itemId}-${startAt.toISOString().slice(0, 13)}-${n}`, instanceId: s.id, itemId, quantity, startAt, endAt, attributes });
  const today = Math.floor(now.getTime() / DAY) * DAY;

  for (const s of instances) {
    const from = Math.floor((now.getTime() - s.createdDaysAgo * DAY) / DAY) * DAY + DAY;
    const until = s.releasedDaysAgo !== undefined ? now.getTime() - s.releasedDaysAgo * DAY : now.getTime();
    const days: number[] = [];
    for (let d = from; d < Math.min(until, today + DAY); d += DAY) days.push(d);

    if (s.productId === "oss") {
      let bytes = Math.floor((40 + rand() * 60) * GB);
      for (const d of days) {
        const end = Math.min(d + DAY, now.getTime());
        if (end <= d) continue;
        bytes += Math.floor((rand() - 0.3) * 2 * GB);
        push(s, "oss.storage", gbOf(bytes), new Date(d), new Date(end), { layerDigest: `bucket:${s.id}`, bytes }, 0);
        push(s, "oss.internet-egress", round6(dec(rand() * 6).toFixed(3)).toFixed(), new Date(d), new Date(end), { network: "internet" }, 0);
        push(s, "oss.vpc-egress", round6(dec(rand() * 20).toFixed(3)).toFixed(), new Date(d), new Date(end), { network: "vpc" }, 0);
      }
    }

    if (s.productId === "registry-storage") {
      // Three images; the base layer is shared by two of them and billed once.
      const layers = [
        { digest: "sha256:base-debian", bytes: 1.2 * GB, images: ["api", "worker"] },
        { digest: "sha256:api-deps", bytes: 0.8 * GB, images: ["api"] },
        { digest: "sha256:worker-deps", bytes: 2.5 * GB, images: ["worker"] },
        { digest: "sha256:ml-cuda", bytes: 6.4 * GB, images: ["trainer"] },
      ];
      const start = new Date(days[0] ?? today);
      layers.forEach((layer, li) => {
        for (const image of layer.images) {
          push(s, "registry-storage.storage", gbOf(Math.floor(layer.bytes)), start, now, { layerDigest: layer.digest, bytes: Math.floor(layer.bytes), image }, li);
        }
      });
      for (const d of days) {
        const end = Math.min(d + DAY, now.getTime());
        if (end <= d) continue;
        push(s, "registry-storage.egress", round6(dec(rand() * 3).toFixed(3)).toFixed(), new Date(d), new Date(end), { network: "internet" }, 0);
        push(s, "registry-storage.egress", round6(dec(rand() * 5).toFixed(3)).toFixed(), new Date(d), new Date(end), { network: "replication" }, 1);
        const scans = Math.floor(rand() * 3);
        for (let n = 0; n < scans; n++) {
          const at = new Date(d + Math.floor(rand() * (end - d)));
          push(s, "registry-storage.scanner", "1", at, at, { image: n % 2 ? "api" : "worker" }, n);
        }
      }
    }

    if (s.productId === "nat-gateway" || s.productId === "eip") {
      for (const d of days) {
        const end = Math.min(d + DAY, now.getTime());
        if (end <= d) continue;
        push(s, `${s.productId}.instance`, String((end - d) / HOUR), new Date(d), new Date(end), null, 0);
      }
    }
  }
  return rows;
}

function gbOf(bytes: number): string {
  return round6(dec(bytes).div(GB)).toFixed();
}
