CREATE TABLE "instance_tag_assignments" (
	"account_id" text NOT NULL,
	"id" text NOT NULL,
	"instance_id" text NOT NULL,
	"tags" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"resource_group" text,
	"valid_from" timestamp with time zone NOT NULL,
	"valid_to" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "instance_tag_assignments_account_id_id_pk" PRIMARY KEY("account_id","id")
);
--> statement-breakpoint
ALTER TABLE "bill_lines" ADD COLUMN "tags" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "bill_lines" ADD COLUMN "resource_group" text;--> statement-breakpoint
ALTER TABLE "instance_tag_assignments" ADD CONSTRAINT "instance_tag_assignments_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "instance_tag_assignments_account_instance_idx" ON "instance_tag_assignments" USING btree ("account_id","instance_id","valid_from");