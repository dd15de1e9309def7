CREATE TABLE "adjustments" (
	"account_id" text NOT NULL,
	"id" text NOT NULL,
	"kind" text NOT NULL,
	"amount" numeric(20, 6) NOT NULL,
	"target_cycle" text NOT NULL,
	"product_id" text NOT NULL,
	"billing_method" text NOT NULL,
	"line_id" text NOT NULL,
	"reason" text NOT NULL,
	"issued_by" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "adjustments_account_id_id_pk" PRIMARY KEY("account_id","id")
);
--> statement-breakpoint
CREATE TABLE "operator_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"prefix" text NOT NULL,
	"key_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "actor_operator_id" text;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "actor_operator_name" text;--> statement-breakpoint
ALTER TABLE "coupons" ADD COLUMN "amount_off" numeric(20, 6);--> statement-breakpoint
ALTER TABLE "coupons" ADD COLUMN "face_value" numeric(20, 6);--> statement-breakpoint
ALTER TABLE "coupons" ADD COLUMN "usage_limit" integer;--> statement-breakpoint
ALTER TABLE "coupons" ADD COLUMN "times_used" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "coupons" ADD COLUMN "issued_by" text;--> statement-breakpoint
ALTER TABLE "coupons" ADD COLUMN "reason" text;--> statement-breakpoint
ALTER TABLE "coupons" ADD COLUMN "revoked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "coupons" ADD COLUMN "revoked_amount" numeric(20, 6);--> statement-breakpoint
ALTER TABLE "vouchers" ADD COLUMN "product_ids" text[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE "vouchers" ADD COLUMN "issued_by" text;--> statement-breakpoint
ALTER TABLE "vouchers" ADD COLUMN "reason" text;--> statement-breakpoint
ALTER TABLE "vouchers" ADD COLUMN "revoked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "vouchers" ADD COLUMN "revoked_amount" numeric(20, 6);--> statement-breakpoint
ALTER TABLE "adjustments" ADD CONSTRAINT "adjustments_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "adjustments_account_at_idx" ON "adjustments" USING btree ("account_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "operator_keys_hash_key" ON "operator_keys" USING btree ("key_hash");