-- Batch jobs remember who submitted them: a transactions batch writes its receipts as that actor
-- (audit log, and the namespace webhooks use to suppress echoes).
ALTER TABLE `batch_jobs` ADD `actor` text;
