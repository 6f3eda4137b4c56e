CREATE TABLE `achievement_definitions` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`handle` text NOT NULL,
	`description` text,
	`levels` text NOT NULL,
	`visibility` text DEFAULT 'standard' NOT NULL,
	`trigger` text DEFAULT 'manual' NOT NULL,
	`condition` text,
	`unlocks` text DEFAULT '[]' NOT NULL,
	`is_published` integer DEFAULT true NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`archived_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `achievement_definitions_handle_unique` ON `achievement_definitions` (`handle`);--> statement-breakpoint
CREATE TABLE `benefit_definitions` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`handle` text NOT NULL,
	`description` text,
	`period_days` integer,
	`absolute_expiry` text,
	`max_redemptions` integer DEFAULT 1 NOT NULL,
	`is_claimable` integer DEFAULT false NOT NULL,
	`eligibility` text,
	`is_extendable` integer DEFAULT false NOT NULL,
	`is_published` integer DEFAULT true NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`archived_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `benefit_definitions_handle_unique` ON `benefit_definitions` (`handle`);--> statement-breakpoint
CREATE TABLE `definition_versions` (
	`definition_type` text NOT NULL,
	`definition_id` text NOT NULL,
	`version` integer NOT NULL,
	`snapshot` text NOT NULL,
	`changed_by` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`definition_type`, `definition_id`, `version`)
);
--> statement-breakpoint
CREATE TABLE `earn_rates` (
	`id` text PRIMARY KEY NOT NULL,
	`point_definition_id` text NOT NULL,
	`name` text NOT NULL,
	`multiplier_milli` integer NOT NULL,
	`location_ids` text,
	`starts_at` integer,
	`ends_at` integer,
	`days_of_week` text,
	`hours` text,
	`timezone` text,
	`profile_condition` text,
	`product_condition` text,
	`priority` integer DEFAULT 0 NOT NULL,
	`is_active` integer DEFAULT true NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`archived_at` integer
);
--> statement-breakpoint
CREATE INDEX `earn_rates_definition_idx` ON `earn_rates` (`point_definition_id`);--> statement-breakpoint
CREATE TABLE `incentive_instances` (
	`id` text PRIMARY KEY NOT NULL,
	`profile_id` text NOT NULL,
	`kind` text NOT NULL,
	`definition_id` text NOT NULL,
	`definition_version` integer NOT NULL,
	`status` text NOT NULL,
	`value_initial` integer NOT NULL,
	`value_remaining` integer NOT NULL,
	`issued_at` integer NOT NULL,
	`expires_at` integer,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `incentive_instances_definition_idx` ON `incentive_instances` (`kind`,`definition_id`,`status`);--> statement-breakpoint
CREATE INDEX `incentive_instances_profile_idx` ON `incentive_instances` (`profile_id`,`issued_at`);--> statement-breakpoint
CREATE TABLE `incentive_ledger` (
	`id` text PRIMARY KEY NOT NULL,
	`profile_id` text NOT NULL,
	`seq` integer NOT NULL,
	`kind` text NOT NULL,
	`action` text NOT NULL,
	`definition_id` text,
	`instance_id` text,
	`delta` integer NOT NULL,
	`source_type` text NOT NULL,
	`source_id` text,
	`reason` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `incentive_ledger_definition_idx` ON `incentive_ledger` (`kind`,`definition_id`,`action`);--> statement-breakpoint
CREATE INDEX `incentive_ledger_profile_idx` ON `incentive_ledger` (`profile_id`,`seq`);--> statement-breakpoint
CREATE TABLE `point_definitions` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`handle` text NOT NULL,
	`kind` text NOT NULL,
	`description` text,
	`points_per_dollar` integer,
	`expiry_days` integer,
	`pending_days` integer DEFAULT 0 NOT NULL,
	`is_published` integer DEFAULT true NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`archived_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `point_definitions_handle_unique` ON `point_definitions` (`handle`);--> statement-breakpoint
CREATE TABLE `profile_incentive_state` (
	`profile_id` text PRIMARY KEY NOT NULL,
	`reward_balance` integer DEFAULT 0 NOT NULL,
	`point_balance` integer DEFAULT 0 NOT NULL,
	`benefit_balance` integer DEFAULT 0 NOT NULL,
	`points` text DEFAULT '{}' NOT NULL,
	`tiers` text DEFAULT '[]' NOT NULL,
	`next_anniversary_at` integer,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `profile_incentive_state_anniversary_idx` ON `profile_incentive_state` (`next_anniversary_at`);--> statement-breakpoint
CREATE TABLE `reward_definitions` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`handle` text NOT NULL,
	`type` text DEFAULT 'other' NOT NULL,
	`description` text,
	`value` integer NOT NULL,
	`period_days` integer,
	`absolute_expiry` text,
	`is_extendable` integer DEFAULT false NOT NULL,
	`is_published` integer DEFAULT true NOT NULL,
	`notification_offsets` text DEFAULT '[]' NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`archived_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reward_definitions_handle_unique` ON `reward_definitions` (`handle`);--> statement-breakpoint
CREATE TABLE `tier_definitions` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`handle` text NOT NULL,
	`description` text,
	`point_definition_id` text NOT NULL,
	`value_min` integer NOT NULL,
	`value_maintain` integer NOT NULL,
	`is_floor` integer DEFAULT false NOT NULL,
	`credit_enabled` integer DEFAULT false NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`archived_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tier_definitions_handle_unique` ON `tier_definitions` (`handle`);--> statement-breakpoint
CREATE INDEX `tier_definitions_ladder_idx` ON `tier_definitions` (`point_definition_id`,`value_min`);--> statement-breakpoint
ALTER TABLE `transactions` ADD `original_external_id` text;