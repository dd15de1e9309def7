-- The kept totals only sum bill_lines rows, whose foreign key already holds the account:
-- their own key check per written row was ~8 % of the server's work at a month close.
ALTER TABLE "bill_line_instance_totals" DROP CONSTRAINT "bill_line_instance_totals_account_id_accounts_id_fk";
--> statement-breakpoint
ALTER TABLE "bill_line_tag_totals" DROP CONSTRAINT "bill_line_tag_totals_account_id_accounts_id_fk";
--> statement-breakpoint
ALTER TABLE "bill_line_totals" DROP CONSTRAINT "bill_line_totals_account_id_accounts_id_fk";
