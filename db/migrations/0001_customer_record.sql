CREATE TABLE `locations` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`handle` text NOT NULL,
	`type` text DEFAULT 'store' NOT NULL,
	`external_id` text,
	`timezone` text DEFAULT 'UTC' NOT NULL,
	`address` text,
	`opening_hours` text,
	`phone` text,
	`email` text,
	`is_published` integer DEFAULT true NOT NULL,
	`is_placeholder` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `locations_external_unique` ON `locations` (`external_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `locations_handle_unique` ON `locations` (`handle`);--> statement-breakpoint
CREATE TABLE `product_variants` (
	`id` text PRIMARY KEY NOT NULL,
	`product_id` text NOT NULL,
	`sku` text NOT NULL,
	`name` text NOT NULL,
	`price` integer,
	`options` text,
	FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `product_variants_sku_unique` ON `product_variants` (`sku`);--> statement-breakpoint
CREATE INDEX `product_variants_product_idx` ON `product_variants` (`product_id`);--> statement-breakpoint
CREATE TABLE `products` (
	`id` text PRIMARY KEY NOT NULL,
	`sku` text NOT NULL,
	`name` text NOT NULL,
	`brand` text,
	`category` text,
	`price` integer,
	`external_id` text,
	`is_active` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `products_sku_unique` ON `products` (`sku`);--> statement-breakpoint
CREATE UNIQUE INDEX `products_external_unique` ON `products` (`external_id`);--> statement-breakpoint
CREATE TABLE `transaction_items` (
	`id` text PRIMARY KEY NOT NULL,
	`transaction_id` text NOT NULL,
	`position` integer NOT NULL,
	`sku` text,
	`name` text,
	`product_id` text,
	`quantity` integer NOT NULL,
	`price_original` integer,
	`price_current` integer,
	`price_sell` integer NOT NULL,
	`price_tax` integer,
	`discounts` text,
	FOREIGN KEY (`transaction_id`) REFERENCES `transactions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `transaction_items_tx_idx` ON `transaction_items` (`transaction_id`);--> statement-breakpoint
CREATE INDEX `transaction_items_sku_idx` ON `transaction_items` (`sku`);--> statement-breakpoint
CREATE TABLE `transactions` (
	`id` text PRIMARY KEY NOT NULL,
	`external_id` text NOT NULL,
	`request_hash` text NOT NULL,
	`profile_id` text,
	`location_id` text,
	`staff_id` text,
	`transacted_at` integer NOT NULL,
	`timezone` text,
	`currency` text NOT NULL,
	`subtotal` integer NOT NULL,
	`discount` integer NOT NULL,
	`tax` integer NOT NULL,
	`rounding` integer DEFAULT 0 NOT NULL,
	`total` integer NOT NULL,
	`payments` text,
	`redemption_id` text,
	`tags` text,
	`meta` text,
	`channel` text,
	`is_void` integer DEFAULT false NOT NULL,
	`voided_at` integer,
	`void_reason` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `transactions_external_unique` ON `transactions` (`external_id`);--> statement-breakpoint
CREATE INDEX `transactions_profile_idx` ON `transactions` (`profile_id`,`transacted_at`);--> statement-breakpoint
CREATE INDEX `transactions_at_idx` ON `transactions` (`transacted_at`);--> statement-breakpoint
CREATE INDEX `transactions_location_idx` ON `transactions` (`location_id`,`transacted_at`);--> statement-breakpoint
CREATE INDEX `transactions_staff_idx` ON `transactions` (`staff_id`,`transacted_at`);--> statement-breakpoint
CREATE TABLE `addresses` (
	`id` text PRIMARY KEY NOT NULL,
	`profile_id` text NOT NULL,
	`type` text DEFAULT 'home' NOT NULL,
	`is_default` integer DEFAULT false NOT NULL,
	`address_line_1` text,
	`address_line_2` text,
	`city` text,
	`state` text,
	`postcode` text,
	`country` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`profile_id`) REFERENCES `profiles`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `addresses_profile_idx` ON `addresses` (`profile_id`);--> statement-breakpoint
CREATE TABLE `batch_jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`total` integer NOT NULL,
	`payload` text,
	`processed` integer DEFAULT 0 NOT NULL,
	`succeeded` integer DEFAULT 0 NOT NULL,
	`failed` integer DEFAULT 0 NOT NULL,
	`results` text,
	`created_by` text,
	`created_at` integer NOT NULL,
	`completed_at` integer
);
--> statement-breakpoint
CREATE TABLE `identities` (
	`id` text PRIMARY KEY NOT NULL,
	`profile_id` text NOT NULL,
	`handle` text NOT NULL,
	`identifier` text NOT NULL,
	`is_primary` integer DEFAULT false NOT NULL,
	`is_active` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`profile_id`) REFERENCES `profiles`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `identities_handle_identifier_unique` ON `identities` (`handle`,`identifier`);--> statement-breakpoint
CREATE INDEX `identities_profile_idx` ON `identities` (`profile_id`);--> statement-breakpoint
CREATE INDEX `identities_identifier_idx` ON `identities` (`identifier`);--> statement-breakpoint
CREATE TABLE `interactions` (
	`id` text PRIMARY KEY NOT NULL,
	`profile_id` text NOT NULL,
	`action` text NOT NULL,
	`channel` text NOT NULL,
	`signal` integer DEFAULT 0 NOT NULL,
	`name` text,
	`interacted_at` integer NOT NULL,
	`location_id` text,
	`meta` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`profile_id`) REFERENCES `profiles`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `interactions_profile_idx` ON `interactions` (`profile_id`,`interacted_at`);--> statement-breakpoint
CREATE TABLE `profile_aggregations` (
	`profile_id` text PRIMARY KEY NOT NULL,
	`spend_12m` integer NOT NULL,
	`spend_all` integer NOT NULL,
	`spend_atv_12m` integer NOT NULL,
	`shop_count` integer NOT NULL,
	`first_shop_date` text,
	`latest_shop_date` text,
	`average_shop_days` integer,
	`at_risk_date` text,
	`most_transacted_location_id` text,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`profile_id`) REFERENCES `profiles`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `profiles` (
	`id` text PRIMARY KEY NOT NULL,
	`first_name` text,
	`last_name` text,
	`email` text NOT NULL,
	`mobile_phone` text,
	`gender` text,
	`birth_day` integer,
	`birth_month` integer,
	`birth_year` integer,
	`company` text,
	`currency` text,
	`type` text DEFAULT 'active' NOT NULL,
	`joined_at` integer NOT NULL,
	`joined_location_id` text,
	`preferred_location_id` text,
	`tags` text DEFAULT '[]' NOT NULL,
	`comms` text DEFAULT '{}' NOT NULL,
	`appearance` text DEFAULT '{}' NOT NULL,
	`custom_attributes` text DEFAULT '[]' NOT NULL,
	`dates` text DEFAULT '{}' NOT NULL,
	`deleted_at` integer,
	`merged_into` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `profiles_email_unique` ON `profiles` (lower("email"));--> statement-breakpoint
CREATE UNIQUE INDEX `profiles_mobile_unique` ON `profiles` (`mobile_phone`);--> statement-breakpoint
CREATE INDEX `profiles_created_idx` ON `profiles` (`created_at`);--> statement-breakpoint
CREATE INDEX `profiles_type_idx` ON `profiles` (`type`,`created_at`);