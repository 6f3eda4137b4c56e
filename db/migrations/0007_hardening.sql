-- Hardening (issue 14, ADR 013).
-- A consumer's receipt is a lease until its handler finishes: leased_until is set when claimed and
-- cleared when the handler has run. A receipt whose lease ran out (the worker crashed mid-handler) is
-- claimed again by the next delivery, so a crash never leaves a handler unrun. NULL = done.
ALTER TABLE `event_receipts` ADD `leased_until` integer;
