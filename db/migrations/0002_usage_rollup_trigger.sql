-- Keeps usage_hourly and usage_daily in step with usage_records (insert-only):
-- one statement-level trigger, so every insert path (API batch, bulk import's
-- INSERT … SELECT, COPY, seed) adds its rows' sums in the same transaction.
-- Rows are upserted in primary-key order, so concurrent batches lock rollup
-- rows in one order and cannot deadlock each other.
CREATE FUNCTION usage_records_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO usage_hourly AS h (account_id, hour, instance_id, item_id, quantity, records)
  SELECT n.account_id, date_trunc('hour', n.start_at, 'UTC'), n.instance_id, n.item_id, sum(n.quantity), count(*)
  FROM new_usage n
  GROUP BY 1, 2, 3, 4
  ORDER BY 1, 2, 3, 4
  ON CONFLICT (account_id, hour, instance_id, item_id)
  DO UPDATE SET quantity = h.quantity + excluded.quantity, records = h.records + excluded.records;

  INSERT INTO usage_daily AS d (account_id, day, instance_id, item_id, quantity, records)
  SELECT n.account_id, (n.start_at AT TIME ZONE a.time_zone)::date, n.instance_id, n.item_id, sum(n.quantity), count(*)
  FROM new_usage n JOIN accounts a ON a.id = n.account_id
  GROUP BY 1, 2, 3, 4
  ORDER BY 1, 2, 3, 4
  ON CONFLICT (account_id, day, instance_id, item_id)
  DO UPDATE SET quantity = d.quantity + excluded.quantity, records = d.records + excluded.records;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER usage_records_rollup AFTER INSERT ON usage_records
  REFERENCING NEW TABLE AS new_usage FOR EACH STATEMENT EXECUTE FUNCTION usage_records_rollup();
--> statement-breakpoint
-- Databases that already hold usage: their rollups from what is stored.
INSERT INTO usage_hourly (account_id, hour, instance_id, item_id, quantity, records)
SELECT account_id, date_trunc('hour', start_at, 'UTC'), instance_id, item_id, sum(quantity), count(*)
FROM usage_records GROUP BY 1, 2, 3, 4;
--> statement-breakpoint
INSERT INTO usage_daily (account_id, day, instance_id, item_id, quantity, records)
SELECT u.account_id, (u.start_at AT TIME ZONE a.time_zone)::date, u.instance_id, u.item_id, sum(u.quantity), count(*)
FROM usage_records u JOIN accounts a ON a.id = u.account_id GROUP BY 1, 2, 3, 4;
