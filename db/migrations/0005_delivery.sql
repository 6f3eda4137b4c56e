-- Delivery (issue 12): webhooks, targets, deliveries with their attempts, dead letters; API tokens get a namespace.
ALTER TABLE `api_tokens` ADD `namespace` text;
--> statement-breakpoint
CREATE TABLE `webhooks` (
	`id` text PRIMARY KEY NOT NULL,
	`trigger` text NOT NULL,
	`url` text NOT NULL,
	`namespace` text,
	`queue` text DEFAULT 'low' NOT NULL,
	`condition` text,
	`is_active` integer DEFAULT true NOT NULL,
	`retry_hourly` integer DEFAULT true NOT NULL,
	`retry_daily` integer DEFAULT true NOT NULL,
	`secret_enc` text NOT NULL,
	`previous_secret_enc` text,
	`previous_secret_expires_at` integer,
	`disabled_reason` text,
	`disabled_at` integer,
	`failing_since` integer,
	`user_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `webhooks_trigger_url_unique` ON `webhooks` (`trigger`,`url`);--> statement-breakpoint
CREATE INDEX `webhooks_trigger_idx` ON `webhooks` (`trigger`,`is_active`);--> statement-breakpoint
CREATE TABLE `targets` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`handle` text NOT NULL,
	`url` text NOT NULL,
	`method` text DEFAULT 'POST' NOT NULL,
	`headers` text DEFAULT '[]' NOT NULL,
	`template` text NOT NULL,
	`condition` text,
	`description` text,
	`notes` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `targets_handle_unique` ON `targets` (`handle`);--> statement-breakpoint
CREATE TABLE `deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`webhook_id` text,
	`target_id` text,
	`event_id` text,
	`event_type` text NOT NULL,
	`url` text NOT NULL,
	`method` text DEFAULT 'POST' NOT NULL,
	`body` text NOT NULL,
	`content_type` text DEFAULT 'application/json' NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer,
	`last_status_code` integer,
	`last_error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`delivered_at` integer
);
--> statement-breakpoint
CREATE INDEX `deliveries_webhook_idx` ON `deliveries` (`webhook_id`,`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `deliveries_target_idx` ON `deliveries` (`target_id`,`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `deliveries_status_idx` ON `deliveries` (`status`,`created_at`);--> statement-breakpoint
CREATE TABLE `delivery_attempts` (
	`id` text PRIMARY KEY NOT NULL,
	`delivery_id` text NOT NULL,
	`attempt` integer NOT NULL,
	`at` integer NOT NULL,
	`status_code` integer,
	`latency_ms` integer NOT NULL,
	`error` text,
	`response_excerpt` text
);
--> statement-breakpoint
CREATE INDEX `delivery_attempts_delivery_idx` ON `delivery_attempts` (`delivery_id`,`attempt`);--> statement-breakpoint
CREATE TABLE `dead_letters` (
	`id` text PRIMARY KEY NOT NULL,
	`queue` text NOT NULL,
	`message_id` text NOT NULL,
	`body` text NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `dead_letters_received_idx` ON `dead_letters` (`received_at`);
