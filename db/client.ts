// One Drizzle client per D1 binding; the schema is attached so relational queries are typed.
import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

export type Db = ReturnType<typeof getDb>;
export function getDb(d1: D1Database) {
  return drizzle(d1, { schema });
}
export { schema };
