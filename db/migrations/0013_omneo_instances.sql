-- Omneo's fields of an issued reward or benefit that the ledger does not hold: the client's external_id (also
-- the create's idempotency key) and the timezone its local date-times were given in (echoed, and a benefit's
-- dates are shown in it). Written by the Omneo routes beside the ledger's own write; one row per instance.
CREATE TABLE `omneo_instance_fields` (
	`instance_id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`profile_id` text NOT NULL,
	`external_id` text,
	`timezone` text,
	`updated_at` integer NOT NULL
);--> statement-breakpoint
CREATE INDEX `omneo_instance_fields_external_idx` ON `omneo_instance_fields` (`kind`,`external_id`);--> statement-breakpoint
-- Omneo's achievement short_description (display_option is our visibility under Omneo's names).
ALTER TABLE `achievement_definitions` ADD `short_description` text;
