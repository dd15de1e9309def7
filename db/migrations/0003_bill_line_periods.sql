CREATE TABLE "bill_line_periods" (
	"account_id" text NOT NULL,
	"id" text NOT NULL,
	"line_id" text NOT NULL,
	"instance_id" text NOT NULL,
	"product_id" text NOT NULL,
	"billable_item_id" text NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"period_end" timestamp with time zone NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"reason" text NOT NULL,
	"charged_seconds" integer NOT NULL,
	"instances" integer NOT NULL,
	"unit_price" numeric(20, 6) NOT NULL,
	"amount" numeric(20, 6) NOT NULL,
	"deducted_by_resource_plan" numeric(20, 6) DEFAULT '0' NOT NULL,
	"deducted_by_coupons" numeric(20, 6) DEFAULT '0' NOT NULL,
	"deducted_by_vouchers" numeric(20, 6) DEFAULT '0' NOT NULL,
	"paid_from_balance" numeric(20, 6) DEFAULT '0' NOT NULL,
	"outstanding_amount" numeric(20, 6) DEFAULT '0' NOT NULL,
	"settled_at" timestamp with time zone,
	"rated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "bill_line_periods_account_id_id_pk" PRIMARY KEY("account_id","id")
);
--> statement-breakpoint
CREATE INDEX "bill_line_periods_account_line_idx" ON "bill_line_periods" USING btree ("account_id","line_id","period_start");--> statement-breakpoint
CREATE INDEX "bill_line_periods_account_due_idx" ON "bill_line_periods" USING btree ("account_id","due_at");