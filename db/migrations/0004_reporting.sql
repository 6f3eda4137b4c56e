CREATE TABLE `report_daily` (
	`day` text NOT NULL,
	`metric` text NOT NULL,
	`location_id` text DEFAULT '' NOT NULL,
	`dimension` text DEFAULT '' NOT NULL,
	`value` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`day`, `metric`, `location_id`, `dimension`)
);
--> statement-breakpoint
CREATE INDEX `report_daily_location_idx` ON `report_daily` (`location_id`,`day`);--> statement-breakpoint
CREATE TABLE `report_rebuilds` (
	`id` text PRIMARY KEY NOT NULL,
	`started_at` integer NOT NULL,
	`completed_at` integer,
	`rows` integer DEFAULT 0 NOT NULL,
	`ms` integer,
	`actor` text NOT NULL
);
--> statement-breakpoint
ALTER TABLE `incentive_ledger` ADD `occurred_at` integer;
--> statement-breakpoint
CREATE TABLE `report_snapshot` (
	`id` text PRIMARY KEY NOT NULL,
	`data` text NOT NULL,
	`computed_at` integer NOT NULL
);
