// The customer record: profiles, identities, addresses, interactions and aggregations.
// Money is integer cents; dates are epoch milliseconds or ISO dates (YYYY-MM-DD) where a day is meant.
import type { Actor } from "../../workers/access/actor";
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

// the enum is the profiles area's vocabulary (its public face), so the console gets it without Drizzle
import { JOINED_CHANNELS, PROFILE_TYPES } from "../../workers/profiles/schema";

export { JOINED_CHANNELS, PROFILE_TYPES, type JoinedChannel, type ProfileType } from "../../workers/profiles/schema";

export interface CommsPreferences {
  /** channel → opted in? */
  email?: boolean;
  sms?: boolean;
  push?: boolean;
  phone?: boolean;
  post?: boolean;
  /** channel → ISO time consent was given or withdrawn */
  consent_at?: Record<string, string>;
}
/** One of a profile's named dates, in Omneo's shape (workers/profiles/dates.ts). */
export interface ProfileDate {
  /** numeric, unique within the profile */
  id: number;
  handle: string;
  name: string;
  date: string;
  type: string | null;
  is_recurring: boolean;
  recurring_schedule: string | null;
  relationship: string | null;
  note: string | null;
  description: string | null;
  meta: Record<string, unknown> | null;
  created_at: string | null;
  updated_at: string | null;
}
/** The `dates` column: records; rows written before them hold a name → YYYY-MM-DD map (read as records). */
export type StoredDates = ProfileDate[] | Record<string, string>;
export interface CustomAttribute {
  namespace: string;
  handle: string;
  type: "string" | "number" | "boolean" | "date" | "json";
  value: unknown;
}

export const profiles = sqliteTable(
  "profiles",
  {
    id: text("id").primaryKey(),
    firstName: text("first_name"),
    lastName: text("last_name"),
    email: text("email").notNull(),
    mobilePhone: text("mobile_phone"),
    gender: text("gender"),
    birthDay: integer("birth_day"),
    birthMonth: integer("birth_month"),
    birthYear: integer("birth_year"),
    company: text("company"),
    currency: text("currency"),
    type: text("type", { enum: PROFILE_TYPES }).notNull().default("active"),
    joinedAt: integer("joined_at", { mode: "timestamp_ms" }).notNull(),
    joinedLocationId: text("joined_location_id"),
    /** how the member joined (set on create from the caller); null for profiles from before it was kept */
    joinedChannel: text("joined_channel", { enum: JOINED_CHANNELS }),
    preferredLocationId: text("preferred_location_id"),
    tags: text("tags", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    comms: text("comms", { mode: "json" }).$type<CommsPreferences>().notNull().default(sql`'{}'`),
    appearance: text("appearance", { mode: "json" }).$type<Record<string, string>>().notNull().default(sql`'{}'`),
    customAttributes: text("custom_attributes", { mode: "json" }).$type<CustomAttribute[]>().notNull().default(sql`'[]'`),
    dates: text("dates", { mode: "json" }).$type<StoredDates>().notNull().default(sql`'{}'`),
    deletedAt: integer("deleted_at", { mode: "timestamp_ms" }),
    /** set when the profile was merged into another; the winner's id */
    mergedInto: text("merged_into"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    uniqueIndex("profiles_email_unique").on(sql`lower(${t.email})`),
    uniqueIndex("profiles_mobile_unique").on(t.mobilePhone),
    index("profiles_created_idx").on(t.createdAt),
    index("profiles_type_idx").on(t.type, t.createdAt),
  ],
);

export const identities = sqliteTable(
  "identities",
  {
    id: text("id").primaryKey(),
    profileId: text("profile_id")
      .notNull()
      .references(() => profiles.id, { onDelete: "cascade" }),
    handle: text("handle").notNull(),
    identifier: text("identifier").notNull(),
    isPrimary: integer("is_primary", { mode: "boolean" }).notNull().default(false),
    isActive: integer("is_active", { mode: "boolean" }).notNull().default(true),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    uniqueIndex("identities_handle_identifier_unique").on(t.handle, t.identifier),
    index("identities_profile_idx").on(t.profileId),
    index("identities_identifier_idx").on(t.identifier),
  ],
);

export const addresses = sqliteTable(
  "addresses",
  {
    id: text("id").primaryKey(),
    profileId: text("profile_id")
      .notNull()
      .references(() => profiles.id, { onDelete: "cascade" }),
    type: text("type").notNull().default("home"),
    isDefault: integer("is_default", { mode: "boolean" }).notNull().default(false),
    address1: text("address_line_1"),
    address2: text("address_line_2"),
    city: text("city"),
    state: text("state"),
    postcode: text("postcode"),
    country: text("country"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("addresses_profile_idx").on(t.profileId)],
);

export const interactions = sqliteTable(
  "interactions",
  {
    id: text("id").primaryKey(),
    profileId: text("profile_id")
      .notNull()
      .references(() => profiles.id, { onDelete: "cascade" }),
    action: text("action").notNull(),
    channel: text("channel").notNull(),
    signal: integer("signal").notNull().default(0),
    name: text("name"),
    interactedAt: integer("interacted_at", { mode: "timestamp_ms" }).notNull(),
    locationId: text("location_id"),
    meta: text("meta", { mode: "json" }).$type<Record<string, unknown>>(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("interactions_profile_idx").on(t.profileId, t.interactedAt)],
);

/** Derived from transactions, net of returns; recomputed for a profile on each of its transactions. */
export const profileAggregations = sqliteTable("profile_aggregations", {
  profileId: text("profile_id")
    .primaryKey()
    .references(() => profiles.id, { onDelete: "cascade" }),
  spend12m: integer("spend_12m").notNull(),
  spendAll: integer("spend_all").notNull(),
  spendAtv12m: integer("spend_atv_12m").notNull(),
  shopCount: integer("shop_count").notNull(),
  firstShopDate: text("first_shop_date"),
  latestShopDate: text("latest_shop_date"),
  averageShopDays: integer("average_shop_days"),
  atRiskDate: text("at_risk_date"),
  mostTransactedLocationId: text("most_transacted_location_id"),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
});

/** Jobs for POST /profiles/batch and /transactions/batch: the request is accepted, processed by the events queue, and polled. */
export const batchJobs = sqliteTable("batch_jobs", {
  id: text("id").primaryKey(),
  kind: text("kind").notNull(),
  status: text("status", { enum: ["queued", "processing", "completed", "failed"] }).notNull(),
  total: integer("total").notNull(),
  /** the submitted records, kept until the job completes (a queue message holds only the job id) */
  payload: text("payload", { mode: "json" }).$type<unknown[] | null>(),
  processed: integer("processed").notNull().default(0),
  succeeded: integer("succeeded").notNull().default(0),
  failed: integer("failed").notNull().default(0),
  results: text("results", { mode: "json" }).$type<
    Array<{ index: number; status: string; external_id?: string | null; profile_id?: string; transaction_id?: string; errors?: Record<string, string[]> }>
  >(),
  createdBy: text("created_by"),
  /** who submitted it, so the records are written (and audited, and namespaced for webhooks) as them */
  actor: text("actor", { mode: "json" }).$type<Actor | null>(),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  completedAt: integer("completed_at", { mode: "timestamp_ms" }),
});

/** The tag catalogue (Omneo's /tags): profiles carry tags by handle in `profiles.tags`. */
export const tags = sqliteTable(
  "tags",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    handle: text("handle").notNull(),
    name: text("name"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch() * 1000)`),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch() * 1000)`),
  },
  (t) => [uniqueIndex("tags_handle_unique").on(sql`lower(${t.handle})`)],
);
