-- Reactions (issue 12): triggers and their runs, scheduled automations, their runs and per-profile receipts.
CREATE TABLE `triggers` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`event_type` text NOT NULL,
	`description` text,
	`notes` text,
	`is_active` integer DEFAULT false NOT NULL,
	`actions` text DEFAULT '[]' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `triggers_event_idx` ON `triggers` (`event_type`,`is_active`);--> statement-breakpoint
CREATE TABLE `reaction_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`trigger_id` text NOT NULL,
	`trigger_name` text NOT NULL,
	`event_id` text NOT NULL,
	`event_type` text NOT NULL,
	`profile_id` text,
	`depth` integer DEFAULT 0 NOT NULL,
	`status` text NOT NULL,
	`outcomes` text DEFAULT '[]' NOT NULL,
	`error` text,
	`attempts` integer DEFAULT 1 NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer
);
--> statement-breakpoint
CREATE INDEX `reaction_runs_started_idx` ON `reaction_runs` (`started_at`);--> statement-breakpoint
CREATE INDEX `reaction_runs_trigger_idx` ON `reaction_runs` (`trigger_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `reaction_runs_event_idx` ON `reaction_runs` (`event_id`);--> statement-breakpoint
CREATE TABLE `automations` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`frequency` text,
	`slot` text,
	`cron` text,
	`date` text,
	`query` text DEFAULT '[]' NOT NULL,
	`actions` text DEFAULT '[]' NOT NULL,
	`description` text,
	`notes` text,
	`template` text,
	`is_active` integer DEFAULT false NOT NULL,
	`run_at` integer,
	`last_run_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `automations_due_idx` ON `automations` (`is_active`,`run_at`);--> statement-breakpoint
CREATE TABLE `automation_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`automation_id` text NOT NULL,
	`scheduled_for` integer NOT NULL,
	`status` text NOT NULL,
	`matched` integer DEFAULT 0 NOT NULL,
	`succeeded` integer DEFAULT 0 NOT NULL,
	`failed` integer DEFAULT 0 NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`duration_ms` integer
);
--> statement-breakpoint
CREATE INDEX `automation_runs_automation_idx` ON `automation_runs` (`automation_id`,`started_at`);--> statement-breakpoint
CREATE TABLE `automation_run_profiles` (
	`run_id` text NOT NULL,
	`profile_id` text NOT NULL,
	`status` text NOT NULL,
	`error` text,
	`at` integer NOT NULL,
	PRIMARY KEY(`run_id`, `profile_id`)
);
