// Members per profile type, kept exact by triggers on profiles (db/migrations/0015_profile_counts.sql): the
// profiles list reads its total here instead of counting the table.
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const profileCounts = sqliteTable("profile_counts", {
  type: text("type").primaryKey(),
  n: integer("n").notNull().default(0),
});
