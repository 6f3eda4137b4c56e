-- The profiles list's total without counting the table: members per profile type, kept exact by triggers in
-- the same transaction as every insert, delete and change of type (count(*) over 1M profiles was 155 ms on
-- every first page: docs/benchmarks.md, "1M members"). Omneo clients read `meta.total`, so it stays exact.
-- Written by hand: drizzle-kit does not model triggers.
CREATE TABLE `profile_counts` (
	`type` text PRIMARY KEY NOT NULL,
	`n` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
INSERT INTO `profile_counts` (`type`, `n`) SELECT `type`, COUNT(*) FROM `profiles` GROUP BY `type`;
--> statement-breakpoint
CREATE TRIGGER `profile_counts_ai` AFTER INSERT ON `profiles` BEGIN
  INSERT INTO profile_counts (type, n) VALUES (new.type, 1) ON CONFLICT(type) DO UPDATE SET n = n + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_counts_ad` AFTER DELETE ON `profiles` BEGIN
  UPDATE profile_counts SET n = n - 1 WHERE type = old.type;
END;
--> statement-breakpoint
CREATE TRIGGER `profile_counts_au` AFTER UPDATE OF type ON `profiles` WHEN old.type IS NOT new.type BEGIN
  UPDATE profile_counts SET n = n - 1 WHERE type = old.type;
  INSERT INTO profile_counts (type, n) VALUES (new.type, 1) ON CONFLICT(type) DO UPDATE SET n = n + 1;
END;
