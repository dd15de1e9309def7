CREATE TABLE "bill_line_instance_totals" (
	"account_id" text NOT NULL,
	"billing_cycle" text NOT NULL,
	"instance_id" text NOT NULL,
	"product_id" text NOT NULL,
	"region_id" text NOT NULL,
	"billing_method" text NOT NULL,
	"instance_name" text NOT NULL,
	"line_count" bigint NOT NULL,
	"original_amount" numeric NOT NULL,
	"discount_amount" numeric NOT NULL,
	"pretax_amount" numeric NOT NULL,
	"deducted_by_resource_plan" numeric NOT NULL,
	"deducted_by_coupons" numeric NOT NULL,
	"deducted_by_vouchers" numeric NOT NULL,
	"paid_from_balance" numeric NOT NULL,
	"outstanding_amount" numeric NOT NULL,
	CONSTRAINT "bill_line_instance_totals_pkey" PRIMARY KEY("account_id","billing_cycle","instance_id","product_id","region_id","billing_method","instance_name")
);
--> statement-breakpoint
CREATE TABLE "bill_line_totals" (
	"account_id" text NOT NULL,
	"billing_cycle" text NOT NULL,
	"bill_date" date NOT NULL,
	"product_id" text NOT NULL,
	"billing_method" text NOT NULL,
	"line_type" text NOT NULL,
	"region_id" text NOT NULL,
	"billable_item_id" text NOT NULL,
	"product_detail" text NOT NULL,
	"line_count" bigint NOT NULL,
	"original_amount" numeric NOT NULL,
	"discount_amount" numeric NOT NULL,
	"pretax_amount" numeric NOT NULL,
	"deducted_by_resource_plan" numeric NOT NULL,
	"deducted_by_coupons" numeric NOT NULL,
	"deducted_by_vouchers" numeric NOT NULL,
	"paid_from_balance" numeric NOT NULL,
	"outstanding_amount" numeric NOT NULL,
	CONSTRAINT "bill_line_totals_pkey" PRIMARY KEY("account_id","billing_cycle","bill_date","product_id","billing_method","line_type","region_id","billable_item_id","product_detail")
);
--> statement-breakpoint
ALTER TABLE "bill_line_instance_totals" ADD CONSTRAINT "bill_line_instance_totals_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bill_line_totals" ADD CONSTRAINT "bill_line_totals_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "bill_lines_account_cycle_day_idx" ON "bill_lines" USING btree ("account_id","billing_cycle","bill_date","id" COLLATE "C");--> statement-breakpoint
-- Hand-written: backfill the kept totals from the lines already stored (lib/billing/line-totals.ts keeps them from here on).
INSERT INTO "bill_line_totals" ("account_id", "billing_cycle", "bill_date", "product_id", "billing_method", "line_type", "region_id", "billable_item_id", "product_detail", "line_count", "original_amount", "discount_amount", "pretax_amount", "deducted_by_resource_plan", "deducted_by_coupons", "deducted_by_vouchers", "paid_from_balance", "outstanding_amount")
SELECT "account_id", "billing_cycle", "bill_date", "product_id", "billing_method", "line_type", "region_id", "billable_item_id", "product_detail", count(*),
  sum(round("original_amount", 2)), sum(round("discount_amount", 2)), sum(round("pretax_amount", 2)), sum(round("deducted_by_resource_plan", 2)),
  sum(round("deducted_by_coupons", 2)), sum(round("deducted_by_vouchers", 2)), sum(round("paid_from_balance", 2)), sum(round("outstanding_amount", 2))
FROM "bill_lines"
GROUP BY "account_id", "billing_cycle", "bill_date", "product_id", "billing_method", "line_type", "region_id", "billable_item_id", "product_detail";--> statement-breakpoint
INSERT INTO "bill_line_instance_totals" ("account_id", "billing_cycle", "instance_id", "product_id", "region_id", "billing_method", "instance_name", "line_count", "original_amount", "discount_amount", "pretax_amount", "deducted_by_resource_plan", "deducted_by_coupons", "deducted_by_vouchers", "paid_from_balance", "outstanding_amount")
SELECT "account_id", "billing_cycle", "instance_id", "product_id", "region_id", "billing_method", "instance_name", count(*),
  sum(round("original_amount", 2)), sum(round("discount_amount", 2)), sum(round("pretax_amount", 2)), sum(round("deducted_by_resource_plan", 2)),
  sum(round("deducted_by_coupons", 2)), sum(round("deducted_by_vouchers", 2)), sum(round("paid_from_balance", 2)), sum(round("outstanding_amount", 2))
FROM "bill_lines"
GROUP BY "account_id", "billing_cycle", "instance_id", "product_id", "region_id", "billing_method", "instance_name";
