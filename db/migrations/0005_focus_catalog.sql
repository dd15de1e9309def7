ALTER TABLE "products" ADD COLUMN "service_category" text DEFAULT 'Other' NOT NULL;--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "service_subcategory" text DEFAULT 'Other (Other)' NOT NULL;--> statement-breakpoint
ALTER TABLE "regions" ADD COLUMN "zones" text[] DEFAULT '{}' NOT NULL;