// Contracts for the access area: one zod schema per input, shared by the API, the console's forms
// and the OpenAPI document.
import { z } from "@hono/zod-openapi";
import { HANDLE_MAX, HANDLE_PATTERN } from "../platform/handles";
import { API_SCOPES, ROLES, scopeFromOmneo } from "./rules";

const email = z
  .string({ error: "Email is required" })
  .trim()
  .min(1, "Email is required")
  .max(254, "Email must be at most 254 characters")
  .pipe(z.email({ error: "Enter a valid email address" }))
  .transform((e) => e.toLowerCase());

export const LoginInput = z.object({
  email,
  password: z.string({ error: "Password is required" }).min(1, "Password is required").max(1024),
});
export type LoginInput = z.infer<typeof LoginInput>;

export const MIN_PASSWORD_LENGTH = 12;
const password = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `Password must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(256, "Password must be at most 256 characters");

export const CreateUserInput = z
  .object({
    email,
    name: z.string({ error: "Name is required" }).trim().min(1, "Name is required").max(120, "Name must be at most 120 characters"),
    role: z.enum(ROLES, { error: `Role must be one of: ${ROLES.join(", ")}` }),
    password: password.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.role !== "machine" && !v.password) {
      ctx.addIssue({ code: "custom", path: ["password"], message: "A password is required for users who sign in" });
    }
    if (v.role === "machine" && v.password) {
      ctx.addIssue({ code: "custom", path: ["password"], message: "Machine users never sign in, so they have no password" });
    }
  });
export type CreateUserInput = z.infer<typeof CreateUserInput>;

export const UpdateUserInput = z.object({
  name: z.string().trim().min(1, "Name is required").max(120).optional(),
  role: z.enum(ROLES, { error: `Role must be one of: ${ROLES.join(", ")}` }).optional(),
  is_active: z.boolean().optional(),
});
export type UpdateUserInput = z.infer<typeof UpdateUserInput>;

/** One of our scopes, or Omneo's name for one (read-profiles, create-transactions, …), stored as ours. */
export const ApiScopeSchema = z
  .string({ error: `Scope must be one of: ${API_SCOPES.join(", ")}` })
  .transform((name, ctx) => {
    const scope = scopeFromOmneo(name);
    if (!scope) {
      ctx.addIssue({ code: "custom", message: `Scope must be one of: ${API_SCOPES.join(", ")} (or an Omneo scope name such as read-profiles); got "${name}"` });
      return z.NEVER;
    }
    return scope;
  })
  .openapi({ type: "string", enum: [...API_SCOPES], description: "Our scope, or Omneo's name for one (read-profiles, create-transactions, …)" });

export const CreateApiTokenInput = z
  .object({
    name: z.string({ error: "Name is required" }).trim().min(1, "Name is required").max(100, "Name must be at most 100 characters"),
    scopes: z
      .array(ApiScopeSchema, { error: "Scopes must be a list" })
      .min(1, "Choose at least one scope")
      .transform((s) => [...new Set(s)]),
    expires_at: z.iso
      .datetime({ offset: true, error: "expires_at must be an ISO 8601 date-time, e.g. 2027-01-31T00:00:00Z" })
      .nullish(),
    user_id: z.string().uuid("user_id must be a UUID").optional(),
    namespace: z
      .string({ error: "namespace must be a string" })
      .trim()
      .max(HANDLE_MAX, "namespace must be at most 64 characters")
      .regex(HANDLE_PATTERN, "namespace may contain letters, digits, '-', '_' and '.'")
      .nullish()
      .or(z.literal("").transform(() => null))
      .openapi({ type: "string", description: "An integration's namespace: webhooks with the same namespace are not sent the events this token's requests cause" }),
  })
  .openapi("CreateApiTokenInput");
export type CreateApiTokenInput = z.infer<typeof CreateApiTokenInput>;

export const ApiTokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().openapi({ description: "The token's first characters, for telling tokens apart" }),
    scopes: z.array(z.string()),
    user_id: z.string(),
    status: z.enum(["active", "revoked", "expired"]),
    created_at: z.string(),
    expires_at: z.string().nullable(),
    last_used_at: z.string().nullable(),
    revoked_at: z.string().nullable(),
    namespace: z.string().nullable(),
  })
  .openapi("ApiToken");

export const CreatedApiTokenSchema = ApiTokenSchema.extend({
  token: z.string().nullable().openapi({ description: "The secret, shown once. Send it as `Authorization: Bearer <token>`; null on an Idempotency-Key replay, which names the token already created." }),
}).openapi("CreatedApiToken");

export const UserSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    is_active: z.boolean(),
    created_at: z.string(),
    last_login_at: z.string().nullable(),
  })
  .openapi("User");

export const MeSchema = z
  .object({
    user: UserSchema,
    token: z.object({ id: z.string(), name: z.string(), prefix: z.string(), scopes: z.array(z.string()), expires_at: z.string().nullable() }),
  })
  .openapi("Me");
