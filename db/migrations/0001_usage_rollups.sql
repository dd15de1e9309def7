CREATE TABLE "usage_daily" (
	"account_id" text NOT NULL,
	"day" date NOT NULL,
	"instance_id" text COLLATE "C" NOT NULL,
	"item_id" text COLLATE "C" NOT NULL,
	"quantity" numeric(30, 6) NOT NULL,
	"records" bigint NOT NULL,
	CONSTRAINT "usage_daily_account_id_day_instance_id_item_id_pk" PRIMARY KEY("account_id","day","instance_id","item_id")
);
--> statement-breakpoint
CREATE TABLE "usage_hourly" (
	"account_id" text NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"instance_id" text COLLATE "C" NOT NULL,
	"item_id" text COLLATE "C" NOT NULL,
	"quantity" numeric(30, 6) NOT NULL,
	"records" bigint NOT NULL,
	CONSTRAINT "usage_hourly_account_id_hour_instance_id_item_id_pk" PRIMARY KEY("account_id","hour","instance_id","item_id")
);
