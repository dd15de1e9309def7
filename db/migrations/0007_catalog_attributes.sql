ALTER TABLE "billable_items" ADD COLUMN "free_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "attributes" jsonb DEFAULT '{}'::jsonb NOT NULL;