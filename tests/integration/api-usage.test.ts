// POST /api/v1/usage through the route handler: all-or-nothing batches,
// idempotency by record id, and a 4xx naming index and field for bad input.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { query } from "@/db/client";
import { POST } from "@/app/api/v1/usage/route";
import { loadCatalog, readCatalogFile } from "@/lib/billing/catalog";
import { fixedClock, realClock, setSystemClock } from "@/lib/clock";
import { OPERATOR } from "@/lib/data/caller";
import { createAccount, createApiKey } from "@/lib/data/operator";
import { registerInstance, releaseInstance } from "@/lib/data/resource-events";
import { uniq, useTestDatabase } from "./db";

const NOW = "2026-03-01T00:00:00Z";
const GB = 1024 ** 3;

describe("POST /api/v1/usage", () => {
  const t = useTestDatabase();
  const A = uniq("usage-a");
  const B = uniq("usage-b");
  const keys = { admin: "", viewer: "", finance: "", otherAdmin: "" };

  beforeAll(async () => {
    setSystemClock(fixedClock(NOW));
    await loadCatalog(t.handle().db, await readCatalogFile());
    await createAccount(OPERATOR, { id: A, name: "Usage A" });
    await createAccount(OPERATOR, { id: B, name: "Usage B" });
    keys.admin = (await createApiKey(OPERATOR, { accountId: A, name: "metering", role: "admin" })).key;
    keys.viewer = (await createApiKey(OPERATOR, { accountId: A, name: "v", role: "viewer" })).key;
    keys.finance = (await createApiKey(OPERATOR, { accountId: A, name: "f", role: "finance" })).key;
    keys.otherAdmin = (await createApiKey(OPERATOR, { accountId: B, name: "b", role: "admin" })).key;
    const at = "2026-01-01T00:00:00Z";
    const reg = (accountId: string, id: string, productId: string, extra: Record<string, unknown> = {}) =>
      registerInstance(OPERATOR, { id, productId, regionId: "cn-hangzhou", billingMethod: "payg", name: id, createdAt: at, ...extra }, accountId);
    await reg(A, "oss-1", "oss");
    await reg(A, "reg-1", "registry-storage");
    await reg(A, "nat-1", "nat-gateway");
    await reg(A, "cp-1", "cloud-phone", { spec: "acp.basic.small" });
    await reg(A, "crp-1", "container-registry-personal", { billingMethod: "free" });
    await reg(A, "old-1", "oss");
    await releaseInstance(OPERATOR, "old-1", { at: "2026-01-15T00:00:00Z" }, A);
    await reg(B, "oss-b", "oss");
  });
  afterAll(() => setSystemClock(realClock));

  async function post(body: unknown, key: string | null = keys.admin) {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (key) headers.authorization = `Bearer ${key}`;
    const res = await POST(
      new Request("http://x/api/v1/usage", { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) }),
      { params: Promise.resolve({}) },
    );
    return { status: res.status, json: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  }
  const count = async (accountId = A) =>
    Number((await query<{ n: string }>(t.handle().db, sql`select count(*) as n from usage_records where account_id = ${accountId}`))[0].n);

  let seq = 0;
  /** A valid hourly record with a fresh id. */
  const rec = (over: Record<string, unknown> = {}) => ({
    id: `r-${seq++}`,
    instanceId: "nat-1",
    item: "instance",
    quantity: "1",
    start: "2026-02-01T00:00:00Z",
    end: "2026-02-01T01:00:00Z",
    ...over,
  });

  it("stores a valid batch of every metered rule and answers {accepted, duplicates}", async () => {
    const before = await count();
    const bytes = 1.5 * GB;
    const batch = [
      rec(),
      rec({ instanceId: "oss-1", item: "oss.storage", quantity: "1.5", attributes: { layerDigest: "bucket:oss-1", bytes } }),
      rec({ instanceId: "oss-1", item: "internet-egress", quantity: 2.25, attributes: { network: "internet" } }),
      rec({ id: "vpc-implied", instanceId: "oss-1", item: "vpc-egress", quantity: "10" }),
      rec({ instanceId: "reg-1", item: "egress", quantity: "3", attributes: { network: "replication" } }),
      rec({ instanceId: "reg-1", item: "scanner", quantity: "2", start: "2026-02-03T10:00:00+08:00", end: "2026-02-03T10:00:00+08:00" }),
      rec({ instanceId: "reg-1", item: "storage", quantity: "0.000001", attributes: { layerDigest: "sha256:tiny", bytes: 1024 } }),
    ];
    expect(await post({ records: batch })).toEqual({ status: 200, json: { accepted: 7, duplicates: 0 } });
    expect(await count()).toBe(before + 7);
    const [vpc] = await query<{ attributes: Record<string, unknown>; item_id: string }>(
      t.handle().db,
      sql`select attributes, item_id from usage_records where account_id = ${A} and id = 'vpc-implied'`,
    );
    expect(vpc).toMatchObject({ item_id: "oss.vpc-egress", attributes: { network: "vpc" } });
    // A bare array works too.
    expect(await post([rec()])).toEqual({ status: 200, json: { accepted: 1, duplicates: 0 } });
  });

  it("counts a re-sent record as a duplicate (same content, any spelling of it)", async () => {
    const r = rec({ quantity: "1.5" });
    expect((await post({ records: [r] })).json).toEqual({ accepted: 1, duplicates: 0 });
    const before = await count();
    const respelled = { ...r, item: "nat-gateway.instance", quantity: 1.5, start: "2026-02-01T08:00:00+08:00" };
    expect((await post({ records: [respelled, rec()] })).json).toEqual({ accepted: 1, duplicates: 1 });
    expect(await count()).toBe(before + 1);
  });

  it("refuses the same id with different content (409) and writes nothing of the batch", async () => {
    const r = rec();
    await post({ records: [r] });
    const before = await count();
    const res = await post({ records: [rec(), { ...r, quantity: "2" }] });
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe("conflict");
    expect(res.json.error.message).toMatch(/^records\[1\]\.id: a record with id "r-\d+" was already ingested with different content/);
    expect(res.json.error.details.records).toEqual([{ index: 1, id: r.id }]);
    expect(await count()).toBe(before);
  });

  it("counts ids repeated in one batch once; with different content the batch is a 400", async () => {
    const r = rec();
    const before = await count();
    expect((await post({ records: [r, rec(), r] })).json).toEqual({ accepted: 2, duplicates: 1 });
    expect(await count()).toBe(before + 2);
    const s = rec();
    const res = await post({ records: [s, rec(), { ...s, quantity: "3" }] });
    expect(res.status).toBe(400);
    expect(res.json.error.details.issues).toEqual([{ index: 2, field: "id", message: `"${s.id}" is also the id of records[0], with different content` }]);
    expect(await count()).toBe(before + 2);
  });

  const storage = (over: Record<string, unknown>) => ({ instanceId: "oss-1", item: "storage", quantity: "1", attributes: { layerDigest: "d", bytes: GB }, ...over });
  const cases: [string, Record<string, unknown> | unknown, string, RegExp][] = [
    ["negative quantity", { quantity: "-1" }, "quantity", /^must not be negative$/],
    ["negative number quantity", { quantity: -0.5 }, "quantity", /must not be negative/],
    ["NaN quantity", { quantity: "NaN" }, "quantity", /decimal number/],
    ["Infinity quantity", { quantity: "Infinity" }, "quantity", /decimal number/],
    ["absurd quantity", { quantity: 1e10 }, "quantity", /at most 1000000000/],
    ["too many decimals", { quantity: "1.1234567" }, "quantity", /at most 6 decimals/],
    ["float noise", { quantity: 0.1 + 0.2 }, "quantity", /at most 6 decimals/],
    ["missing quantity", { quantity: undefined }, "quantity", /is required/],
    ["boolean quantity", { quantity: true }, "quantity", /decimal string or a number/],
    ["space instead of T", { start: "2026-02-01 00:00" }, "start", /ISO 8601/],
    ["no offset", { start: "2026-02-01T00:00:00" }, "start", /ISO 8601 instant with an offset/],
    ["not a time", { end: "tomorrow" }, "end", /ISO 8601/],
    ["impossible date", { start: "2026-02-30T00:00:00Z" }, "start", /is not a date/],
    ["end before start", { end: "2026-01-31T23:00:00Z" }, "end", /must not be before start/],
    ["empty span", { end: "2026-02-01T00:00:00Z" }, "end", /must be after start/],
    ["ends in the future", { start: "2026-02-28T23:00:00Z", end: "2026-03-01T00:06:00Z" }, "end", /account's clock .* \+ 5 minutes/],
    ["spans over 31 days", { start: "2026-01-01T00:00:00Z", end: "2026-02-01T00:00:01Z" }, "end", /31 days/],
    ["unknown instance", { instanceId: "nope" }, "instanceId", /^unknown instance "nope"$/],
    ["another account's instance", { instanceId: "oss-b", item: "vpc-egress" }, "instanceId", /^unknown instance "oss-b"$/],
    ["released before start", { instanceId: "old-1", item: "vpc-egress" }, "start", /released at 2026-01-15/],
    ["created after end", { start: "2025-12-31T00:00:00Z", end: "2025-12-31T01:00:00Z" }, "end", /was created at/],
    ["unknown item", { item: "bogus" }, "item", /not a billable item of product nat-gateway/],
    ["item of another product", { instanceId: "oss-1", item: "registry-storage.storage" }, "item", /not a billable item of product oss/],
    ["phone-period item", { instanceId: "cp-1", item: "instance" }, "item", /4-hour periods/],
    ["free item", { instanceId: "crp-1", item: "instance" }, "item", /is free/],
    ["storage without digest", storage({ attributes: { bytes: GB } }), "attributes.layerDigest", /is required/],
    ["storage without bytes", storage({ attributes: { layerDigest: "d" } }), "attributes.bytes", /whole number of bytes/],
    ["storage fractional bytes", storage({ attributes: { layerDigest: "d", bytes: 1.5 } }), "attributes.bytes", /whole number/],
    ["storage negative bytes", storage({ attributes: { layerDigest: "d", bytes: -1 } }), "attributes.bytes", /non-negative/],
    ["storage size mismatch", storage({ quantity: "2" }), "quantity", /bytes \/ 1024³ = 1\)/],
    ["egress without network", { instanceId: "reg-1", item: "egress" }, "attributes.network", /is required/],
    ["egress unknown network", { instanceId: "reg-1", item: "egress", attributes: { network: "satellite" } }, "attributes.network", /must be one of/],
    ["egress network contradicts item", { instanceId: "oss-1", item: "vpc-egress", attributes: { network: "internet" } }, "attributes.network", /is vpc traffic/],
    ["fractional scans", { instanceId: "reg-1", item: "scanner", quantity: "1.5" }, "quantity", /whole number ≥ 1/],
    ["zero scans", { instanceId: "reg-1", item: "scanner", quantity: "0" }, "quantity", /whole number ≥ 1/],
    ["misspelt field", { quantitiy: "1" }, "quantitiy", /is not a field of a usage record/],
    ["empty id", { id: "" }, "id", /must not be empty/],
    ["numeric id", { id: 7 }, "id", /must be a string/],
    ["attributes not an object", { attributes: "x" }, "attributes", /must be an object/],
  ];

  it.each(cases)("refuses %s with a 400 naming the record and field, writing nothing", async (_name, over, field, message) => {
    const before = await count();
    const res = await post({ records: [rec(), rec(over as Record<string, unknown>)] });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe("bad_request");
    expect(res.json.error.message).toContain(`records[1].${field}: `);
    const issue = res.json.error.details.issues.find((i: { field: string }) => i.field === field);
    expect(issue).toMatchObject({ index: 1, field });
    expect(issue.message).toMatch(message);
    expect(await count()).toBe(before);
  });

  it("refuses a record that is not an object, and reports every bad record", async () => {
    const res = await post({ records: [rec(), "a string", rec({ quantity: "-1" })] });
    expect(res.status).toBe(400);
    expect(res.json.error.message).toMatch(/^records\[1\]: must be an object \{id, instanceId/);
    expect(res.json.error.message).toContain("and 1 more problem");
    expect(res.json.error.details.issues.map((i: { index: number }) => i.index)).toEqual([1, 2]);
  });

  it("refuses ids that are not storable text with a 400 naming them, though the look-ups start before the check", async () => {
    const before = await count();
    const stored = rec();
    expect((await post({ records: [stored] })).status).toBe(200);
    const bad = [
      rec({ id: "a\u0000b" }),
      rec({ id: "x\u001ey" }),
      rec({ instanceId: "nat-1\u001enat-1" }),
      rec({ id: "z".repeat(201) }),
      rec({ id: 7 }),
      // A stored id with other content next to a bad record: the bad record decides (400), not the conflict.
      { ...stored, quantity: "2" },
    ];
    const res = await post({ records: [rec(), ...bad] });
    expect(res.status).toBe(400);
    expect(res.json.error.message).toMatch(/^records\[1\]\.id: must not contain control characters \(and 4 more problems\)\. Nothing was written\.$/);
    expect(res.json.error.details.issues.map((i: { index: number; field: string }) => `${i.index}.${i.field}`)).toEqual(["1.id", "2.id", "3.instanceId", "4.id", "5.id"]);
    expect(await count()).toBe(before + 1);
  });

  it("refuses malformed JSON, a wrong envelope, an empty batch and a batch of 10,001", async () => {
    const before = await count();
    const bad = await post("{not json");
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ code: "bad_request", message: "The body is not valid JSON." });
    expect((await post({ rows: [] })).json.error.message).toMatch(/^records: send/);
    expect((await post({ records: [] })).json.error.message).toMatch(/empty/);
    const big = await post({ records: Array.from({ length: 10_001 }, () => rec()) });
    expect(big.status).toBe(400);
    expect(big.json.error.message).toMatch(/at most 10000 records per batch, got 10001/);
    expect(await count()).toBe(before);
  });

  it("lets only admin keys ingest: viewer and finance get 403, no key 401", async () => {
    const before = await count();
    expect((await post({ records: [rec()] }, keys.viewer)).status).toBe(403);
    expect((await post({ records: [rec()] }, keys.finance)).status).toBe(403);
    expect((await post({ records: [rec()] }, null)).status).toBe(401);
    expect((await post({ records: [rec()] }, "bk_not-a-key")).status).toBe(401);
    expect(await count()).toBe(before);
  });

  it("never lets one account write to another's instance", async () => {
    const res = await post({ records: [rec()] }, keys.otherAdmin);
    expect(res.status).toBe(400);
    expect(res.json.error.message).toMatch(/unknown instance "nat-1"/);
    expect(await count(B)).toBe(0);
  });

  it("treats a shuffled re-ingest of the same batch as all duplicates", async () => {
    const batch = Array.from({ length: 2_000 }, (_, i) => {
      const start = new Date(Date.parse("2026-01-02T00:00:00Z") + i * 1800_000);
      return rec({ id: `shuffle-${i}`, start: start.toISOString(), end: new Date(start.getTime() + 1800_000).toISOString(), quantity: "0.5" });
    });
    const before = await count();
    expect((await post({ records: batch })).json).toEqual({ accepted: 2_000, duplicates: 0 });
    const shuffled = [...batch];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = (i * 7919) % (i + 1);
      [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
    }
    expect((await post({ records: shuffled })).json).toEqual({ accepted: 0, duplicates: 2_000 });
    expect(await count()).toBe(before + 2_000);
  });

  it("stores each id once when two requests race with the same records", async () => {
    const batch = Array.from({ length: 300 }, () => rec());
    const before = await count();
    const [a, b] = await Promise.all([post({ records: batch }), post({ records: [...batch].reverse() })]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.json.accepted + b.json.accepted).toBe(300);
    expect(a.json.duplicates + b.json.duplicates).toBe(300);
    expect(await count()).toBe(before + 300);
  });

  it("refuses the loser of a race over the same ids with other content (409), storing the winner's batch once", async () => {
    const batch = Array.from({ length: 200 }, () => rec());
    const changed = batch.map((r, i) => (i === 150 ? { ...r, quantity: "3" } : r));
    const before = await count();
    const [a, b] = await Promise.all([post({ records: batch }), post({ records: changed })]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const lost = a.status === 409 ? a : b;
    expect(lost.json.error.message).toMatch(/^records\[150\]\.id: a record with id "r-\d+" was already ingested with different content\. Nothing was written\.$/);
    expect(await count()).toBe(before + 200);
  });

  describe("a large batch of new ids, checked while it is stored", () => {
    const large = (tag: string, n = 600) =>
      Array.from({ length: n }, (_, i) => rec({ id: `${tag}-${String(i).padStart(4, "0")}`, start: "2026-02-03T00:00:00Z", end: "2026-02-03T00:30:00Z", quantity: "0.5" }));
    const hourly = async () =>
      (await query<{ q: string }>(t.handle().db, sql`select coalesce(sum(quantity), 0)::text as q from usage_hourly where account_id = ${A}`))[0].q;

    it("writes nothing when records late in id order are bad, naming every problem", async () => {
      const batch = large(uniq("late-bad")).reverse(); // the bad ones come last in id order, first in the batch
      batch[0] = { ...batch[0], quantity: "-1" };
      batch[2] = { ...batch[2], end: "tomorrow" };
      const [before, sum] = [await count(), await hourly()];
      const res = await post({ records: batch });
      expect(res.status).toBe(400);
      expect(res.json.error.message).toBe("records[0].quantity: must not be negative (and 1 more problem). Nothing was written.");
      expect(res.json.error.details.issues.map((i: { index: number; field: string }) => [i.index, i.field])).toEqual([[0, "quantity"], [2, "end"]]);
      expect(await count()).toBe(before);
      expect(await hourly()).toBe(sum);
    });

    it("counts an id repeated with the same content once, and refuses one repeated with other content", async () => {
      const batch = large(uniq("repeat"));
      const before = await count();
      expect((await post({ records: [...batch, { ...batch[10] }] })).json).toEqual({ accepted: 600, duplicates: 1 });
      const other = large(uniq("repeat-409"));
      const res = await post({ records: [{ ...other[300], quantity: "2" }, ...other] });
      expect(res.status).toBe(400);
      expect(res.json.error.details.issues).toEqual([{ index: 301, field: "id", message: `"${other[300].id}" is also the id of records[0], with different content` }]);
      expect(await count()).toBe(before + 600);
    });

    it("answers a bad record with a 400 even when a stored id with other content stops the COPY first", async () => {
      const batch = large(uniq("bad-and-409"));
      await post({ records: [batch[1]] }); // before the bad record in id order, and not in the sample
      batch[1] = { ...batch[1], quantity: "2" };
      batch[598] = { ...batch[598], quantity: "-1" };
      const before = await count();
      const res = await post({ records: batch });
      expect(res.status).toBe(400);
      expect(res.json.error.message).toBe("records[598].quantity: must not be negative. Nothing was written.");
      expect(await count()).toBe(before);
    });
  });

  describe("a large batch holding a few stored ids that the look-up's sample skips", () => {
    // A batch of more than 256 ids probes an even sample of 64 first (indices 0, 15, 31, …): these are not in it.
    const skipped = [1, 501, 998];
    const large = (tag: string) =>
      Array.from({ length: 1_000 }, (_, i) => rec({ id: `${tag}-${String(i).padStart(4, "0")}`, start: "2026-02-02T00:00:00Z", end: "2026-02-02T00:30:00Z", quantity: "0.5" }));

    it("counts them as duplicates and stores the rest once", async () => {
      const batch = large(uniq("skip-dup"));
      await post({ records: skipped.map((i) => batch[i]) });
      const before = await count();
      expect(await post({ records: batch })).toEqual({ status: 200, json: { accepted: 997, duplicates: 3 } });
      expect(await count()).toBe(before + 997);
      expect((await post({ records: batch })).json).toEqual({ accepted: 0, duplicates: 1_000 });
    });

    it("refuses one of them with other content (409, naming it) and writes nothing", async () => {
      const batch = large(uniq("skip-409"));
      await post({ records: skipped.map((i) => batch[i]) });
      const before = await count();
      batch[501] = { ...batch[501], quantity: "2" };
      const res = await post({ records: batch });
      expect(res.status).toBe(409);
      expect(res.json.error.message).toBe(`records[501].id: a record with id "${batch[501].id}" was already ingested with different content. Nothing was written.`);
      expect(res.json.error.details.records).toEqual([{ index: 501, id: batch[501].id }]);
      expect(await count()).toBe(before);
    });
  });

  it("takes a full batch of 10,000 records", async () => {
    const batch = Array.from({ length: 10_000 }, (_, i) =>
      rec({ id: `full-${i}`, instanceId: "oss-1", item: "internet-egress", quantity: `${i % 100}.5`, attributes: { network: "internet" } }),
    );
    const started = performance.now();
    const res = await post({ records: batch });
    const ms = performance.now() - started;
    expect(res.json).toEqual({ accepted: 10_000, duplicates: 0 });
    console.log(`[api-usage] 10,000 records in ${ms.toFixed(0)} ms on ${t.handle().kind} (${Math.round(10_000 / (ms / 1000))} records/s)`);
  });
});
