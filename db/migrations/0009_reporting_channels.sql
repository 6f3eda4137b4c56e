-- Reporting (issue 11): how each member joined (console, api, import, system; set on create from the caller),
-- so the dashboard counts new members by channel; existing profiles keep NULL ("unknown").
ALTER TABLE `profiles` ADD `joined_channel` text;
--> statement-breakpoint
-- The redemptions page (and its totals) reads redemptions and reversals by date across profiles: by action,
-- then the ledger's write time, so a range is two short index ranges instead of a scan of every entry.
CREATE INDEX `incentive_ledger_action_date_idx` ON `incentive_ledger` (`action`,`created_at`);
