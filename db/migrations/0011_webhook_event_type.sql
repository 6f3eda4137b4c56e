-- Webhooks keep the trigger as the client sent it (Omneo's `profiles.create` is echoed back as sent) and the
-- event type it names in our catalogue (`profile.created`) beside it: fan-out and uniqueness use the latter,
-- so `profiles.create` and `profile.created` to one url are the same webhook, not two deliveries.
ALTER TABLE `webhooks` ADD `event_type` text NOT NULL DEFAULT '';--> statement-breakpoint
UPDATE `webhooks` SET `event_type` = `trigger`;--> statement-breakpoint
DROP INDEX IF EXISTS `webhooks_trigger_url_unique`;--> statement-breakpoint
DROP INDEX IF EXISTS `webhooks_trigger_idx`;--> statement-breakpoint
CREATE UNIQUE INDEX `webhooks_event_type_url_unique` ON `webhooks` (`event_type`,`url`);--> statement-breakpoint
CREATE INDEX `webhooks_event_type_idx` ON `webhooks` (`event_type`,`is_active`);--> statement-breakpoint
CREATE INDEX `webhooks_trigger_idx` ON `webhooks` (`trigger`);
