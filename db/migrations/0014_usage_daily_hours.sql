ALTER TABLE "usage_daily" ADD COLUMN "hours" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Hand-written backfill: each day's hourly rows whose hour lies wholly inside the account's local day (starts by 23:00 local).
UPDATE "usage_daily" d SET "hours" = x.hours FROM (
  SELECT h.account_id, (h.hour AT TIME ZONE a.time_zone)::date AS day, h.instance_id, h.item_id, count(*)::int AS hours
  FROM "usage_hourly" h JOIN "accounts" a ON a.id = h.account_id
  WHERE (h.hour AT TIME ZONE a.time_zone)::time <= time '23:00'
  GROUP BY 1, 2, 3, 4
) x WHERE d.account_id = x.account_id AND d.day = x.day AND d.instance_id = x.instance_id AND d.item_id = x.item_id;
