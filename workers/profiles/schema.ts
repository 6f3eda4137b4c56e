// Contracts of the customer record, shared by the API, the console's forms and the OpenAPI document.
import { z } from "@hono/zod-openapi";
import { boundedJsonObject, jsonBoundsError } from "../platform/json-bounds";
import { handle } from "../platform/zod";
import { MAX_DATES } from "./dates";

// db/schema/profiles takes its column enum from here
export const PROFILE_TYPES = ["active", "pending", "deleted", "system"] as const;
export type ProfileType = (typeof PROFILE_TYPES)[number];

/**
 * How a member joined, from the caller that created the profile: a staff user in the console, an API token
 * (a till, a web shop's integration), a batch import, or the system. The dashboard counts new members by it.
 */
export const JOINED_CHANNELS = ["console", "api", "import", "system"] as const;
export type JoinedChannel = (typeof JOINED_CHANNELS)[number];

const trimmed = (max: number) => z.string().trim().max(max, `Must be at most ${max} characters`);
const nullableText = (max: number) => trimmed(max).nullish().transform((v) => (v === "" ? null : v));

export const ProfileEmail = z
  .string({ error: "email is required" })
  .trim()
  .min(1, "email is required")
  .max(254, "email must be at most 254 characters")
  .pipe(z.email({ error: "email must be a valid email address" }));

export const Handle = handle({ required: true });

export const IdentityInput = z
  .object({
    handle: Handle,
    identifier: z.string({ error: "identifier is required" }).trim().min(1, "identifier is required").max(200),
    is_primary: z.boolean().optional().default(false),
    is_active: z.boolean().optional().default(true),
  })
  .openapi("IdentityInput");
export type IdentityInput = z.infer<typeof IdentityInput>;

const CHANNELS = ["email", "sms", "push", "phone", "post"] as const;
export const CommsInput = z
  .object(Object.fromEntries(CHANNELS.map((c) => [c, z.boolean().optional()])) as Record<(typeof CHANNELS)[number], z.ZodOptional<z.ZodBoolean>>)
  .strict()
  .openapi("CommsPreferences", { description: "Opt-in per channel: true = opted in, false = opted out" });

const CUSTOM_TYPES = ["string", "number", "boolean", "date", "json"] as const;
const customValueShape = { type: z.enum(CUSTOM_TYPES).default("string"), value: z.unknown() };
function checkCustomValue(a: { type: (typeof CUSTOM_TYPES)[number]; value: unknown }, ctx: z.RefinementCtx) {
  const ok =
    a.type === "json" ||
    (a.type === "string" && typeof a.value === "string") ||
    (a.type === "number" && typeof a.value === "number" && Number.isFinite(a.value)) ||
    (a.type === "boolean" && typeof a.value === "boolean") ||
    (a.type === "date" && typeof a.value === "string" && /^\d{4}-\d{2}-\d{2}/.test(a.value) && !Number.isNaN(Date.parse(a.value)));
  if (!ok) ctx.addIssue({ code: "custom", path: ["value"], message: `value must be a ${a.type}` });
  const tooBig = ok && a.type === "json" ? jsonBoundsError("value", a.value) : null;
  if (tooBig) ctx.addIssue({ code: "custom", path: ["value"], message: tooBig });
}

export const CustomAttributeInput = z.object({ namespace: Handle, handle: Handle, ...customValueShape }).superRefine(checkCustomValue);

/** Omneo's PUT /profiles/{id}/attributes/custom/{namespace:handle}: the path names the attribute. */
export const CustomAttributeValueInput = z.object(customValueShape).superRefine(checkCustomValue).openapi("CustomAttributeValueInput");

export const CustomAttributeSchema = z
  .object({ profile_id: z.string(), namespace: z.string(), handle: z.string(), type: z.string(), value: z.unknown() })
  .openapi("CustomAttribute");

/** One named date in Omneo's form (`dates_attributes`, PUT /profiles/{id}/attributes/dates). */
export const ProfileDateInput = z
  .object({
    handle: handle({ field: "handle" }).optional().openapi({ description: "With relationship, what makes it the same date again; from name when absent" }),
    name: trimmed(120).min(1, "name must not be empty").optional(),
    date: z.iso.date({ error: "date must be YYYY-MM-DD" }),
    type: nullableText(64),
    is_recurring: z.boolean().nullish(),
    recurring_schedule: nullableText(32),
    relationship: nullableText(64),
    note: nullableText(500),
    description: nullableText(500),
    meta: boundedJsonObject("meta").nullish(),
  })
  .superRefine((d, ctx) => {
    if (!d.handle && !d.name?.replace(/[^A-Za-z0-9]/g, "")) ctx.addIssue({ code: "custom", path: ["handle"], message: "handle (or a name to make it from) is required" });
  })
  .openapi("ProfileDateInput");

export const ProfileDateSchema = z
  .object({
    id: z.number().int(),
    profile_id: z.string(),
    handle: z.string(),
    name: z.string(),
    date: z.string(),
    type: z.string().nullable(),
    is_recurring: z.boolean(),
    recurring_schedule: z.string().nullable(),
    relationship: z.string().nullable(),
    note: z.string().nullable(),
    description: z.string().nullable(),
    meta: z.record(z.string(), z.unknown()).nullable(),
    created_at: z.string().nullable(),
    updated_at: z.string().nullable(),
  })
  .openapi("ProfileDate");

export const AttributesInput = z
  .object({
    comms: CommsInput.optional(),
    appearance: z.record(z.string().max(64), z.string().max(200)).optional(),
    custom: z.array(CustomAttributeInput).max(100).optional(),
    dates: z
      .record(z.string().max(64), z.iso.date({ error: "dates must be YYYY-MM-DD" }))
      .optional()
      .openapi({ description: "name → YYYY-MM-DD: each is added (or changed) as a date with that name; dates_attributes carries the whole record" }),
  })
  .strict();

export const AddressInput = z.object({
  type: z.string().trim().max(32).optional().default("home"),
  is_default: z.boolean().optional().default(false),
  address_line_1: nullableText(200),
  address_line_2: nullableText(200),
  city: nullableText(100),
  state: nullableText(100),
  postcode: nullableText(20),
  country: nullableText(2).refine((c) => c == null || /^[A-Za-z]{2}$/.test(c), "country must be a two-letter ISO code"),
});

const profileFields = {
  first_name: nullableText(100),
  last_name: nullableText(100),
  email: ProfileEmail,
  mobile_phone: nullableText(40),
  gender: nullableText(32),
  birth_day: z.number().int().min(1).max(31).nullish(),
  birth_month: z.number().int().min(1).max(12).nullish(),
  birth_year: z.number().int().min(1900).max(2100).nullish(),
  company: nullableText(200),
  currency: z.string().regex(/^[A-Z]{3}$/, "currency must be a three-letter ISO code").nullish(),
  joined_at: z.iso.datetime({ offset: true, error: "joined_at must be an ISO 8601 date-time" }).nullish(),
  joined_location_id: z.string().max(100).nullish(),
  preferred_location_id: z.string().max(100).nullish(),
  tags: z.array(z.string().trim().min(1).max(64)).max(100).optional(),
  attributes: AttributesInput.optional(),
};

/**
 * Omneo's profile types this product does not model (ADR 014): refused by name rather than stored as
 * something else, so "temporary" never quietly becomes a full member.
 */
const CREATABLE_TYPES = ["active", "pending", "system"] as const;
const typeField = (name: string, allowed: readonly [string, ...string[]]) =>
  z
    .string()
    .superRefine((v, ctx) => {
      if (allowed.includes(v)) return;
      ctx.addIssue({
        code: "custom",
        message: ["temporary", "dependant", "incomplete"].includes(v)
          ? `${name} "${v}" is an Omneo type this API does not model; use one of: ${allowed.join(", ")}`
          : `${name} must be one of: ${allowed.join(", ")}`,
      });
    })
    .openapi({ enum: [...allowed] });

export const CreateProfileInput = z
  .object({
    ...profileFields,
    type: typeField("type", CREATABLE_TYPES).optional(),
    profile_type: typeField("profile_type", CREATABLE_TYPES).optional().openapi({ description: "Omneo's name for type" }),
    identities: z.array(IdentityInput).max(20).optional(),
    addresses: z.array(AddressInput).max(10).optional(),
  })
  .openapi("CreateProfileInput")
  .transform(({ profile_type, ...rest }) => ({ ...rest, type: (rest.type ?? profile_type) as (typeof CREATABLE_TYPES)[number] | undefined }));
export type CreateProfileInput = z.infer<typeof CreateProfileInput>;

export const UpdateProfileInput = z
  .object({
    ...profileFields,
    email: ProfileEmail.optional(),
    addresses: z.array(AddressInput).max(10).optional(),
    dates_attributes: z.array(ProfileDateInput).max(MAX_DATES).optional().openapi({ description: "Omneo's dates: each added, or changed when its handle and relationship match one" }),
  })
  .openapi("UpdateProfileInput");
export type UpdateProfileInput = z.infer<typeof UpdateProfileInput>;

export const UpdateTypeInput = z
  .object({
    type: typeField("type", PROFILE_TYPES).optional(),
    profile_type: typeField("profile_type", PROFILE_TYPES).optional().openapi({ description: "Omneo's name for type" }),
  })
  .openapi("UpdateProfileTypeInput")
  .superRefine((v, ctx) => {
    if (v.type === undefined && v.profile_type === undefined) ctx.addIssue({ code: "custom", path: ["profile_type"], message: "profile_type (or type) is required" });
  })
  .transform((v) => ({ type: (v.type ?? v.profile_type) as (typeof PROFILE_TYPES)[number] }));

export const MergeInput = z.object({ loser_id: z.string().min(1, "loser_id is required") }).openapi("MergeInput");

export const InteractionInput = z
  .object({
    action: z.string().trim().min(1, "action is required").max(64),
    channel: z.string().trim().min(1, "channel is required").max(64),
    signal: z.union([z.literal(1), z.literal(0), z.literal(-1)], { error: "signal must be 1, 0 or -1" }).optional().default(0),
    name: nullableText(200),
    interacted_at: z.iso.datetime({ offset: true, error: "interacted_at must be an ISO 8601 date-time" }).nullish(),
    location_id: z.string().max(100).nullish(),
    meta: boundedJsonObject("meta").nullish(),
  })
  .openapi("InteractionInput");
export type InteractionInput = z.infer<typeof InteractionInput>;

export const BATCH_MAX = 1000;
export const BatchInput = z
  .object({
    profiles: z.array(z.unknown()).min(1, "profiles must not be empty").max(BATCH_MAX, `A batch holds at most ${BATCH_MAX} profiles`),
    match_criteria: z
      .string()
      .trim()
      .min(1)
      .max(64)
      .optional()
      .openapi({ description: "Omneo's match: \"email\" (the default: email, then the record's identities), or an identity handle every record must carry (matched after email)" }),
  })
  .openapi("ProfileBatchInput");

/** Omneo's POST /profiles/sync {updated_at}: re-send profiles changed since then to connected systems. */
export const SyncSinceInput = z
  .object({
    updated_at: z
      .string({ error: "updated_at must be a date-time" })
      .max(40)
      .refine((v) => !Number.isNaN(Date.parse(v)), "Invalid date: updated_at must be an ISO 8601 date or date-time")
      .nullish(),
  })
  .openapi("ProfileSyncSinceInput");

export const ProfileSchema = z
  .object({
    id: z.string(),
    first_name: z.string().nullable(),
    last_name: z.string().nullable(),
    full_name: z.string(),
    email: z.string(),
    mobile_phone: z.string().nullable(),
    gender: z.string().nullable(),
    birth_day: z.number().nullable(),
    birth_month: z.number().nullable(),
    birth_year: z.number().nullable(),
    company: z.string().nullable(),
    currency: z.string().nullable(),
    type: z.enum(PROFILE_TYPES),
    profile_type: z.enum(PROFILE_TYPES),
    mobile_phone_e164: z.string().nullable(),
    joined_at: z.string(),
    joined_location_id: z.string().nullable(),
    preferred_location_id: z.string().nullable(),
    tags: z.array(z.string()),
    attributes: z.object({
      comms: z.record(z.string(), z.unknown()),
      appearance: z.record(z.string(), z.string()),
      custom: z.array(z.object({ namespace: z.string(), handle: z.string(), type: z.string(), value: z.unknown() })),
      dates: z.array(ProfileDateSchema),
    }),
    custom_attributes: z
      .record(z.string(), z.record(z.string(), z.unknown()))
      .openapi({ description: "Omneo's form of attributes.custom: namespace → handle → value" }),
    identities: z.array(z.object({ id: z.string(), handle: z.string(), identifier: z.string(), is_primary: z.boolean(), is_active: z.boolean() })),
    addresses: z.array(z.record(z.string(), z.unknown())),
    deleted_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Profile");

// ── the tag catalogue (Omneo's /tags) ───────────────────────────────────────────────────────────
export const TagInput = z
  .object({
    handle: Handle,
    name: z.string().trim().min(1, "name must not be empty").max(120, "name must be at most 120 characters").nullish(),
  })
  .openapi("TagInput");
export type TagInput = z.infer<typeof TagInput>;

export const UpdateTagInput = z
  .object({
    handle: Handle.optional().openapi({ description: "Accepted when it is the tag's own handle: profiles carry tags by handle, so it never changes" }),
    name: z.string().trim().min(1, "name must not be empty").max(120, "name must be at most 120 characters").nullable().optional(),
  })
  .openapi("UpdateTagInput");
export type UpdateTagInput = z.infer<typeof UpdateTagInput>;

export const TagSchema = z
  .object({ id: z.number().int(), handle: z.string(), name: z.string().nullable(), created_at: z.string(), updated_at: z.string() })
  .openapi("Tag");
