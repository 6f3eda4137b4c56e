// Omneo's shape of a staff user (the SDK's `User`): a numeric id, roles and permissions as lists of
// {id, handle}, the throttle Omneo stores. Pure: the role ↔ Omneo role id table and the serializer, so
// the API, /users/me and the tests read one mapping. A user holds exactly one role here.
import { z } from "@hono/zod-openapi";
import { PERMISSIONS, ROLE_LABELS, ROLE_PERMISSIONS, ROLES, type Role } from "./rules";
import { MIN_PASSWORD_LENGTH } from "./schema";

/** Omneo's role ids for our four roles (GET /users shows them; `roles: [{id}]` on create and update). */
export const OMNEO_ROLE_IDS: Record<Role, number> = { admin: 1, manager: 2, reporting: 3, machine: 4 };

export function roleFromOmneoId(id: number): Role | null {
  return ROLES.find((r) => OMNEO_ROLE_IDS[r] === id) ?? null;
}

export interface OmneoUserSource {
  id: string;
  number: number | null;
  email: string;
  name: string;
  role: Role;
  isActive: boolean;
  throttle: number | null;
  createdAt: Date;
  updatedAt: Date;
  lastLoginAt: Date | null;
}

export function serializeOmneoUser(u: OmneoUserSource) {
  return {
    id: u.number ?? 0,
    uuid: u.id,
    name: u.name,
    email: u.email,
    throttle: u.throttle,
    role: u.role,
    roles: [{ id: OMNEO_ROLE_IDS[u.role], handle: u.role, name: ROLE_LABELS[u.role] }],
    permissions: ROLE_PERMISSIONS[u.role].map((p) => ({ id: PERMISSIONS.indexOf(p) + 1, handle: p })),
    is_active: u.isActive,
    created_at: u.createdAt.toISOString(),
    updated_at: u.updatedAt.toISOString(),
    last_login_at: u.lastLoginAt?.toISOString() ?? null,
  };
}

export const OmneoUserSchema = z
  .object({
    id: z.number().int().openapi({ description: "Omneo's numeric user id; /users/{id} takes it or the uuid" }),
    uuid: z.string().openapi({ description: "Our id for the user (API tokens' user_id)" }),
    name: z.string(),
    email: z.string(),
    throttle: z.number().int().nullable().openapi({ description: "Stored and returned as Omneo does; not a rate limit here" }),
    role: z.enum(ROLES),
    roles: z.array(z.object({ id: z.number().int(), handle: z.enum(ROLES), name: z.string() })),
    permissions: z.array(z.object({ id: z.number().int(), handle: z.enum(PERMISSIONS) })),
    is_active: z.boolean(),
    created_at: z.string(),
    updated_at: z.string(),
    last_login_at: z.string().nullable(),
  })
  .openapi("OmneoUser");

const roleIds = Object.values(OMNEO_ROLE_IDS);
const RolesInput = z
  .array(z.object({ id: z.number({ error: "roles[].id must be a number" }).int() }), { error: "roles must be a list of {id}" })
  .length(1, `A user holds exactly one role here: roles must be one of ${ROLES.map((r) => `[{"id": ${OMNEO_ROLE_IDS[r]}}] (${r})`).join(", ")}`)
  .superRefine((list, ctx) => {
    for (const [i, r] of list.entries()) {
      if (!roleIds.includes(r.id)) ctx.addIssue({ code: "custom", path: [i, "id"], message: `Unknown role id ${r.id}; one of ${ROLES.map((x) => `${OMNEO_ROLE_IDS[x]} (${x})`).join(", ")}` });
    }
  });

const fields = {
  name: z.string().trim().min(1, "Name is required").max(120, "Name must be at most 120 characters"),
  email: z.string().trim().max(254),
  password: z.string().min(MIN_PASSWORD_LENGTH, `Password must be at least ${MIN_PASSWORD_LENGTH} characters`).max(256),
  password_confirmation: z.string().max(256),
  throttle: z.number({ error: "throttle must be a whole number" }).int("throttle must be a whole number").min(0).max(1_000_000).nullable(),
  roles: RolesInput,
  role: z.enum(ROLES, { error: `Role must be one of: ${ROLES.join(", ")}` }),
};

const confirmed = (v: { password?: string; password_confirmation?: string }, ctx: z.RefinementCtx) => {
  if (v.password !== undefined && v.password_confirmation !== undefined && v.password !== v.password_confirmation) {
    ctx.addIssue({ code: "custom", path: ["password_confirmation"], message: "password_confirmation does not match password" });
  }
  if (v.password !== undefined && v.password_confirmation === undefined) {
    ctx.addIssue({ code: "custom", path: ["password_confirmation"], message: "password_confirmation is required with password" });
  }
};
const oneRole = (v: { roles?: unknown; role?: unknown }, ctx: z.RefinementCtx) => {
  if (v.roles !== undefined && v.role !== undefined) ctx.addIssue({ code: "custom", path: ["role"], message: "Give role or roles, not both" });
};

/** Omneo's create body (`roles: [{id}]`, or our `role`); Reporting when neither is given (least access). */
export const OmneoCreateUserInput = z
  .object({
    name: fields.name,
    email: fields.email,
    password: fields.password.optional(),
    password_confirmation: fields.password_confirmation.optional(),
    throttle: fields.throttle.optional(),
    roles: fields.roles.optional(),
    role: fields.role.optional(),
  })
  .superRefine(confirmed)
  .superRefine(oneRole)
  .openapi("OmneoCreateUserInput");
export type OmneoCreateUserInput = z.output<typeof OmneoCreateUserInput>;

export const OmneoUpdateUserInput = z
  .object({
    name: fields.name.optional(),
    email: fields.email.optional(),
    password: fields.password.optional(),
    password_confirmation: fields.password_confirmation.optional(),
    throttle: fields.throttle.optional(),
    roles: fields.roles.optional(),
    role: fields.role.optional(),
    is_active: z.boolean().optional(),
  })
  .superRefine(confirmed)
  .superRefine(oneRole)
  .openapi("OmneoUpdateUserInput");
export type OmneoUpdateUserInput = z.output<typeof OmneoUpdateUserInput>;

/** The role an Omneo body names, if any. */
export function roleOf(input: { roles?: Array<{ id: number }>; role?: Role }): Role | undefined {
  if (input.role) return input.role;
  const id = input.roles?.[0]?.id;
  return id === undefined ? undefined : (roleFromOmneoId(id) ?? undefined);
}
