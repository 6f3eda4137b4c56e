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
--> statement-breakpoint
-- Reward definitions in Omneo's shape: period_type (days or weeks; period stays stored in days) and the
-- targets fired on a reward's issue, expiry reminders and extension, with the issue and extension notices'
-- delay in days.
ALTER TABLE `reward_definitions` ADD `period_type` text;--> statement-breakpoint
ALTER TABLE `reward_definitions` ADD `issue_target_id` text;--> statement-breakpoint
ALTER TABLE `reward_definitions` ADD `expiry_target_id` text;--> statement-breakpoint
ALTER TABLE `reward_definitions` ADD `extend_target_id` text;--> statement-breakpoint
ALTER TABLE `reward_definitions` ADD `notify_issue_offset_days` integer;--> statement-breakpoint
ALTER TABLE `reward_definitions` ADD `notify_extend_offset_days` integer;
--> statement-breakpoint
-- The earliest expiry of points a profile still holds, projected by its ledger DO with its balances: the
-- "points expiring within N days" automation query reads it (lots themselves live only in the DO).
ALTER TABLE `profile_incentive_state` ADD `next_points_expiry_at` integer;--> statement-breakpoint
CREATE INDEX `profile_incentive_state_points_expiry_idx` ON `profile_incentive_state` (`next_points_expiry_at`);
