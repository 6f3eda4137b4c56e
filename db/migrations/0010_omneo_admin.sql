-- Omneo's admin resources over the API (issue 10): staff users get Omneo's numeric id (`number`, what
-- /users/{id} and audits' user_id show), the per-user `throttle` Omneo stores (kept and returned; not a rate
-- limit here) and a soft delete (`deleted_at`: the audit log keeps naming who did what); and the tag
-- catalogue behind /tags (profiles carry tags by handle).
ALTER TABLE `users` ADD `number` integer;
--> statement-breakpoint
ALTER TABLE `users` ADD `throttle` integer;
--> statement-breakpoint
ALTER TABLE `users` ADD `deleted_at` integer;
--> statement-breakpoint
UPDATE `users` SET `number` = (SELECT count(*) FROM `users` AS `u` WHERE `u`.`created_at` < `users`.`created_at` OR (`u`.`created_at` = `users`.`created_at` AND `u`.`id` <= `users`.`id`));
--> statement-breakpoint
CREATE UNIQUE INDEX `users_number_unique` ON `users` (`number`);
--> statement-breakpoint
CREATE TABLE `tags` (
  `id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  `handle` text NOT NULL,
  `name` text,
  `created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL,
  `updated_at` integer DEFAULT (unixepoch() * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tags_handle_unique` ON `tags` (lower(`handle`));
