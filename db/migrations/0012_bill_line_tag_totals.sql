CREATE TABLE "bill_line_tag_totals" (
	"account_id" text NOT NULL,
	"billing_cycle" text NOT NULL,
	"resource_group" text NOT NULL,
	"tags_hash" text NOT NULL,
	"tags" jsonb NOT NULL,
	"line_count" bigint NOT NULL,
	"original_amount" numeric NOT NULL,
	"discount_amount" numeric NOT NULL,
	"pretax_amount" numeric NOT NULL,
	"deducted_by_resource_plan" numeric NOT NULL,
	"deducted_by_coupons" numeric NOT NULL,
	"deducted_by_vouchers" numeric NOT NULL,
	"paid_from_balance" numeric NOT NULL,
	"outstanding_amount" numeric NOT NULL,
	CONSTRAINT "bill_line_tag_totals_pkey" PRIMARY KEY("account_id","billing_cycle","resource_group","tags_hash")
);
--> statement-breakpoint
ALTER TABLE "bill_line_tag_totals" ADD CONSTRAINT "bill_line_tag_totals_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Hand-written: backfill the kept tag totals from the lines already stored (lib/billing/line-totals.ts keeps them from here on).
INSERT INTO "bill_line_tag_totals" ("account_id", "billing_cycle", "resource_group", "tags_hash", "tags", "line_count", "original_amount", "discount_amount", "pretax_amount", "deducted_by_resource_plan", "deducted_by_coupons", "deducted_by_vouchers", "paid_from_balance", "outstanding_amount")
SELECT "account_id", "billing_cycle", coalesce("resource_group", ''), md5("tags"::text), "tags", count(*),
  sum(round("original_amount", 2)), sum(round("discount_amount", 2)), sum(round("pretax_amount", 2)), sum(round("deducted_by_resource_plan", 2)),
  sum(round("deducted_by_coupons", 2)), sum(round("deducted_by_vouchers", 2)), sum(round("paid_from_balance", 2)), sum(round("outstanding_amount", 2))
FROM "bill_lines"
GROUP BY "account_id", "billing_cycle", coalesce("resource_group", ''), md5("tags"::text), "tags";
