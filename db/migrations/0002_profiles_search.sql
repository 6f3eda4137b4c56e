-- Full-text search over profile names and emails (FTS5, external content: the index stores only tokens).
-- Mobile numbers and identities are found by exact index lookups instead (profiles_mobile_unique,
-- identities_identifier_idx). Written by hand: drizzle-kit does not model virtual tables or triggers.
CREATE VIRTUAL TABLE `profiles_fts` USING fts5(
  first_name, last_name, email,
  content='profiles', content_rowid='rowid',
  tokenize='unicode61 remove_diacritics 2',
  prefix='2 3'
);
--> statement-breakpoint
CREATE TRIGGER `profiles_fts_ai` AFTER INSERT ON `profiles` BEGIN
  INSERT INTO profiles_fts(rowid, first_name, last_name, email) VALUES (new.rowid, new.first_name, new.last_name, new.email);
END;
--> statement-breakpoint
CREATE TRIGGER `profiles_fts_ad` AFTER DELETE ON `profiles` BEGIN
  INSERT INTO profiles_fts(profiles_fts, rowid, first_name, last_name, email) VALUES ('delete', old.rowid, old.first_name, old.last_name, old.email);
END;
--> statement-breakpoint
CREATE TRIGGER `profiles_fts_au` AFTER UPDATE OF first_name, last_name, email ON `profiles` BEGIN
  INSERT INTO profiles_fts(profiles_fts, rowid, first_name, last_name, email) VALUES ('delete', old.rowid, old.first_name, old.last_name, old.email);
  INSERT INTO profiles_fts(rowid, first_name, last_name, email) VALUES (new.rowid, new.first_name, new.last_name, new.email);
END;
