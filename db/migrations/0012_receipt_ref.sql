-- Omneo's receipt reference, stored as the client sent it and returned with the transaction (it stood only
-- for external_id when that was absent, and was then lost).
ALTER TABLE `transactions` ADD `receipt_ref` text;
