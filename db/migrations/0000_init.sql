CREATE TABLE "accounts" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"currency" text DEFAULT 'USD' NOT NULL,
	"time_zone" text DEFAULT 'UTC' NOT NULL,
	"credit_limit" numeric(20, 6) DEFAULT '0' NOT NULL,
	"suspension_quota" numeric(20, 6) DEFAULT '0' NOT NULL,
	"overdue_since" timestamp with time zone,
	"payg_stopped_since" timestamp with time zone,
	"test_clock_now" timestamp with time zone,
	"jobs_run_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "api_keys" (
	"account_id" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"prefix" text NOT NULL,
	"key_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_keys_account_id_id_pk" PRIMARY KEY("account_id","id")
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"account_id" text NOT NULL,
	"id" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor_user_id" text,
	"actor_api_key_id" text,
	"action" text NOT NULL,
	"target_type" text NOT NULL,
	"target_id" text NOT NULL,
	"from_state" text,
	"to_state" text,
	"amounts" jsonb,
	"details" jsonb,
	CONSTRAINT "audit_log_account_id_id_pk" PRIMARY KEY("account_id","id")
);
--> statement-breakpoint
CREATE TABLE "bill_lines" (
	"account_id" text NOT NULL,
	"id" text NOT NULL,
	"bill_id" text,
	"billing_cycle" text NOT NULL,
	"bill_date" date NOT NULL,
	"line_type" text NOT NULL,
	"product_id" text NOT NULL,
	"product_detail" text NOT NULL,
	"instance_id" text NOT NULL,
	"instance_name" text NOT NULL,
	"region_id" text NOT NULL,
	"billing_method" text NOT NULL,
	"billable_item_id" text NOT NULL,
	"usage_quantity" numeric(24, 6) NOT NULL,
	"usage_unit" text NOT NULL,
	"unit_price" numeric(20, 6) NOT NULL,
	"price_unit" text NOT NULL,
	"price_id" text,
	"original_amount" numeric(20, 6) NOT NULL,
	"discount_amount" numeric(20, 6) DEFAULT '0' NOT NULL,
	"pretax_amount" numeric(20, 6) NOT NULL,
	"deducted_by_resource_plan" numeric(20, 6) DEFAULT '0' NOT NULL,
	"deducted_by_coupons" numeric(20, 6) DEFAULT '0' NOT NULL,
	"deducted_by_vouchers" numeric(20, 6) DEFAULT '0' NOT NULL,
	"paid_from_balance" numeric(20, 6) DEFAULT '0' NOT NULL,
	"outstanding_amount" numeric(20, 6) DEFAULT '0' NOT NULL,
	"currency" text NOT NULL,
	"order_id" text,
	"due_at" timestamp with time zone NOT NULL,
	"settled_at" timestamp with time zone,
	"rated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "bill_lines_account_id_id_pk" PRIMARY KEY("account_id","id")
);
--> statement-breakpoint
CREATE TABLE "billable_items" (
	"id" text PRIMARY KEY NOT NULL,
	"product_id" text NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"rule" text NOT NULL,
	"usage_unit" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bills" (
	"account_id" text NOT NULL,
	"id" text NOT NULL,
	"billing_cycle" text NOT NULL,
	"product_id" text NOT NULL,
	"billing_method" text NOT NULL,
	"bill_type" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"closed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bills_account_id_id_pk" PRIMARY KEY("account_id","id")
);
--> statement-breakpoint
CREATE TABLE "column_preferences" (
	"account_id" text NOT NULL,
	"user_id" text NOT NULL,
	"view" text NOT NULL,
	"columns" text[] NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "column_preferences_account_id_user_id_view_pk" PRIMARY KEY("account_id","user_id","view")
);
--> statement-breakpoint
CREATE TABLE "coupons" (
	"account_id" text NOT NULL,
	"id" text NOT NULL,
	"code" text NOT NULL,
	"discount_percent" numeric(5, 2) NOT NULL,
	"remaining" numeric(20, 6) NOT NULL,
	"product_ids" text[] NOT NULL,
	"valid_from" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "coupons_account_id_id_pk" PRIMARY KEY("account_id","id")
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"account_id" text NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"response" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_account_id_key_pk" PRIMARY KEY("account_id","key")
);
--> statement-breakpoint
CREATE TABLE "instance_state_changes" (
	"account_id" text NOT NULL,
	"id" text NOT NULL,
	"instance_id" text NOT NULL,
	"from_status" text,
	"to_status" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"cause" text NOT NULL,
	CONSTRAINT "instance_state_changes_account_id_id_pk" PRIMARY KEY("account_id","id")
);
--> statement-breakpoint
CREATE TABLE "instances" (
	"account_id" text NOT NULL,
	"id" text NOT NULL,
	"product_id" text NOT NULL,
	"name" text NOT NULL,
	"spec" text,
	"region_id" text NOT NULL,
	"instance_count" integer DEFAULT 1 NOT NULL,
	"billing_method" text NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"billing_anchor_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone,
	"released_at" timestamp with time zone,
	"status_since" timestamp with time zone NOT NULL,
	"auto_renew" boolean DEFAULT false NOT NULL,
	"auto_renew_months" integer DEFAULT 1 NOT NULL,
	"attributes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "instances_account_id_id_pk" PRIMARY KEY("account_id","id")
);
--> statement-breakpoint
CREATE TABLE "ledger_entries" (
	"account_id" text NOT NULL,
	"id" text NOT NULL,
	"entry_type" text NOT NULL,
	"amount" numeric(20, 6) NOT NULL,
	"currency" text NOT NULL,
	"reference_type" text,
	"reference_id" text,
	"idempotency_key" text,
	"memo" text DEFAULT '' NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "ledger_entries_account_id_id_pk" PRIMARY KEY("account_id","id")
);
--> statement-breakpoint
CREATE TABLE "orders" (
	"account_id" text NOT NULL,
	"id" text NOT NULL,
	"order_no" text NOT NULL,
	"instance_id" text NOT NULL,
	"product_id" text NOT NULL,
	"order_type" text NOT NULL,
	"spec" text,
	"months" integer,
	"instance_count" integer DEFAULT 1 NOT NULL,
	"term_start" timestamp with time zone,
	"term_end" timestamp with time zone,
	"original_amount" numeric(20, 6) NOT NULL,
	"discount_amount" numeric(20, 6) DEFAULT '0' NOT NULL,
	"payable_amount" numeric(20, 6) NOT NULL,
	"paid_amount" numeric(20, 6) DEFAULT '0' NOT NULL,
	"status" text DEFAULT 'unpaid' NOT NULL,
	"idempotency_key" text,
	"request_hash" text,
	"created_by" text,
	"created_at" timestamp with time zone NOT NULL,
	"paid_at" timestamp with time zone,
	CONSTRAINT "orders_account_id_id_pk" PRIMARY KEY("account_id","id")
);
--> statement-breakpoint
CREATE TABLE "prices" (
	"id" text PRIMARY KEY NOT NULL,
	"billable_item_id" text NOT NULL,
	"region_group_id" text,
	"spec" text,
	"billing_method" text NOT NULL,
	"currency" text NOT NULL,
	"unit_price" numeric(20, 6) NOT NULL,
	"price_unit" text NOT NULL,
	"tiers" jsonb,
	"is_default" boolean DEFAULT false NOT NULL,
	"note" text,
	"effective_from" timestamp with time zone NOT NULL,
	"effective_to" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "products" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"category" text NOT NULL,
	"billing_methods" text[] NOT NULL,
	"overdue_policy" text NOT NULL,
	"region_scheme" text,
	"specs" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"term_discounts" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"description" text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "region_groups" (
	"id" text PRIMARY KEY NOT NULL,
	"scheme" text NOT NULL,
	"name" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "regions" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"groups" text[] NOT NULL
);
--> statement-breakpoint
CREATE TABLE "resource_plans" (
	"account_id" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"billable_item_id" text NOT NULL,
	"total_quantity" numeric(24, 6) NOT NULL,
	"remaining_quantity" numeric(24, 6) NOT NULL,
	"unit" text NOT NULL,
	"valid_from" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "resource_plans_account_id_id_pk" PRIMARY KEY("account_id","id")
);
--> statement-breakpoint
CREATE TABLE "sign_in_failures" (
	"id" text PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "usage_records" (
	"account_id" text NOT NULL,
	"id" text NOT NULL,
	"instance_id" text NOT NULL,
	"item_id" text NOT NULL,
	"quantity" numeric(24, 6) NOT NULL,
	"start_at" timestamp with time zone NOT NULL,
	"end_at" timestamp with time zone NOT NULL,
	"attributes" jsonb,
	"content_hash" text NOT NULL,
	"ingested_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "usage_records_account_id_id_pk" PRIMARY KEY("account_id","id")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"account_id" text NOT NULL,
	"id" text NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"password_hash" text NOT NULL,
	"role" text NOT NULL,
	"session_version" integer DEFAULT 1 NOT NULL,
	"disabled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_account_id_id_pk" PRIMARY KEY("account_id","id")
);
--> statement-breakpoint
CREATE TABLE "vouchers" (
	"account_id" text NOT NULL,
	"id" text NOT NULL,
	"code" text NOT NULL,
	"face_value" numeric(20, 6) NOT NULL,
	"remaining" numeric(20, 6) NOT NULL,
	"valid_from" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "vouchers_account_id_id_pk" PRIMARY KEY("account_id","id")
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billable_items" ADD CONSTRAINT "billable_items_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bills" ADD CONSTRAINT "bills_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coupons" ADD CONSTRAINT "coupons_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "instances" ADD CONSTRAINT "instances_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "instances" ADD CONSTRAINT "instances_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prices" ADD CONSTRAINT "prices_billable_item_id_billable_items_id_fk" FOREIGN KEY ("billable_item_id") REFERENCES "public"."billable_items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resource_plans" ADD CONSTRAINT "resource_plans_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vouchers" ADD CONSTRAINT "vouchers_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_hash_key" ON "api_keys" USING btree ("key_hash");--> statement-breakpoint
CREATE INDEX "audit_log_account_at_idx" ON "audit_log" USING btree ("account_id","at");--> statement-breakpoint
CREATE INDEX "bill_lines_account_cycle_idx" ON "bill_lines" USING btree ("account_id","billing_cycle","product_id");--> statement-breakpoint
CREATE INDEX "bill_lines_account_instance_idx" ON "bill_lines" USING btree ("account_id","instance_id","bill_date");--> statement-breakpoint
CREATE INDEX "bill_lines_account_outstanding_idx" ON "bill_lines" USING btree ("account_id","due_at");--> statement-breakpoint
CREATE UNIQUE INDEX "billable_items_product_code_key" ON "billable_items" USING btree ("product_id","code");--> statement-breakpoint
CREATE UNIQUE INDEX "bills_account_cycle_key" ON "bills" USING btree ("account_id","billing_cycle","product_id","billing_method","bill_type");--> statement-breakpoint
CREATE INDEX "instance_state_changes_account_instance_idx" ON "instance_state_changes" USING btree ("account_id","instance_id","at");--> statement-breakpoint
CREATE INDEX "instances_account_status_idx" ON "instances" USING btree ("account_id","status","billing_method");--> statement-breakpoint
CREATE INDEX "ledger_entries_account_at_idx" ON "ledger_entries" USING btree ("account_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_entries_account_idem_key" ON "ledger_entries" USING btree ("account_id","idempotency_key");--> statement-breakpoint
CREATE UNIQUE INDEX "orders_account_no_key" ON "orders" USING btree ("account_id","order_no");--> statement-breakpoint
CREATE UNIQUE INDEX "orders_account_idem_key" ON "orders" USING btree ("account_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "orders_account_created_idx" ON "orders" USING btree ("account_id","created_at");--> statement-breakpoint
CREATE INDEX "prices_lookup_idx" ON "prices" USING btree ("billable_item_id","currency","billing_method","effective_from");--> statement-breakpoint
CREATE INDEX "sign_in_failures_key_at_idx" ON "sign_in_failures" USING btree ("key","at");--> statement-breakpoint
CREATE INDEX "usage_records_account_instance_idx" ON "usage_records" USING btree ("account_id","instance_id","start_at");--> statement-breakpoint
CREATE INDEX "usage_records_account_start_idx" ON "usage_records" USING btree ("account_id","start_at");--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_key" ON "users" USING btree ("email");