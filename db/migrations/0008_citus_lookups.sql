CREATE TABLE "api_key_hashes" (
	"key_hash" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"key_id" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "user_logins" (
	"email" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"user_id" text NOT NULL
);
--> statement-breakpoint
DROP INDEX "api_keys_hash_key";--> statement-breakpoint
DROP INDEX "users_email_key";--> statement-breakpoint
ALTER TABLE "sign_in_failures" DROP CONSTRAINT "sign_in_failures_pkey";--> statement-breakpoint
ALTER TABLE "sign_in_failures" ADD CONSTRAINT "sign_in_failures_key_id_pk" PRIMARY KEY("key","id");--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_account_hash_key" ON "api_keys" USING btree ("account_id","key_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "users_account_email_key" ON "users" USING btree ("account_id","email");--> statement-breakpoint
-- Hand-written: the lookups of what is already stored.
INSERT INTO "user_logins" ("email", "account_id", "user_id") SELECT "email", "account_id", "id" FROM "users";--> statement-breakpoint
INSERT INTO "api_key_hashes" ("key_hash", "account_id", "key_id") SELECT "key_hash", "account_id", "id" FROM "api_keys";--> statement-breakpoint
-- Hand-written: the usage rollups are kept by the writers of usage_records
-- (statement triggers with transition tables do not run on distributed tables).
DROP TRIGGER IF EXISTS "usage_records_rollup" ON "usage_records";--> statement-breakpoint
DROP FUNCTION IF EXISTS usage_records_rollup();