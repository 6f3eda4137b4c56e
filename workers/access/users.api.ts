// Omneo's /users CRUD over our staff users (users.service.ts): a thin alias in Omneo's shape
// (users.omneo.ts). Only an Admin manages users: the route needs the `*` scope *and* a token owned by an
// Admin (a Machine user's `*` token is refused), so no caller can hand out more than it holds.
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../api-env";
import { listOf, notFoundResponse, ok, problemResponses, single } from "../platform/api-schemas";
import { DomainError, fieldErrorsFromIssues } from "../platform/errors";
import { filterValue, listQuery, parseListQuery } from "../platform/list-query";
import { listEnvelope } from "../platform/pagination";
import { strictBody } from "../platform/strict-body";
import { requireScope } from "./guards";
import { ROLES, type Role } from "./rules";
import { CreateUserInput, UpdateUserInput } from "./schema";
import { OmneoCreateUserInput, OmneoUpdateUserInput, OmneoUserSchema, roleOf, serializeOmneoUser } from "./users.omneo";
import { USER_SORTS, type UserSort } from "./users.service";

const UserRefParam = z.object({
  id: z.string().max(64).openapi({ param: { name: "id", in: "path" }, description: "Omneo's numeric id or our uuid", example: "2" }),
});

const EmailOnly = z.object({ email: z.email("Enter a valid email address").transform((e) => e.toLowerCase()) });

/** After requireScope("*"): the token's owner must be an Admin (Machine users hold `*` but manage no one). */
const adminOwner: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.get("auth").owner.role !== "admin") throw new DomainError("forbidden", "Only an Admin's token manages users");
  await next();
};

function parseOr422<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const errors = fieldErrorsFromIssues(r.error.issues);
  throw new DomainError("validation_failed", `Invalid user: ${Object.keys(errors).join(", ")}`, { errors });
}

export function registerUserRoutes(api: OpenAPIHono<AppEnv>) {
  const tags = ["Users"];
  const UserData = ok(single(OmneoUserSchema), "The user");

  api.openapi(
    createRoute({
      method: "get",
      path: "/users",
      tags,
      summary: "Staff users in Omneo's shape (Admin tokens only)",
      middleware: [requireScope("*"), adminOwner] as const,
      request: {
        query: listQuery({
          filters: { name: { max: 120 }, email: { max: 254 }, role: { values: ROLES } },
          sorts: USER_SORTS,
        }),
      },
      responses: { 200: ok(listOf(OmneoUserSchema), "Users"), ...problemResponses },
    }),
    async (c) => {
      const q = parseListQuery(c.req.valid("query"));
      const sort = q.sort as UserSort[];
      const { rows, total } = await c.get("services").users.page(
        { name: filterValue(q, "name"), email: filterValue(q, "email"), role: filterValue(q, "role") as Role | undefined },
        sort,
        q.page,
      );
      return c.json(listEnvelope(rows.map(serializeOmneoUser), total, q.page, c.req.url), 200);
    },
  );

  api.openapi(
    createRoute({ method: "get", path: "/users/{id}", tags, summary: "One staff user", middleware: [requireScope("*"), adminOwner] as const, request: { params: UserRefParam }, responses: { 200: UserData, ...problemResponses, ...notFoundResponse } }),
    async (c) => c.json({ data: serializeOmneoUser(await c.get("services").users.get(c.req.valid("param").id)) }, 200),
  );

  api.openapi(
    createRoute({
      method: "post",
      path: "/users",
      tags,
      summary: "Create a staff user (Omneo's body: roles [{id}] with 1 Admin, 2 Manager, 3 Reporting, 4 Machine; Reporting when none is given)",
      middleware: [requireScope("*"), adminOwner] as const,
      request: { body: strictBody(OmneoCreateUserInput) },
      responses: { 201: { ...UserData, description: "Created" }, ...problemResponses },
    }),
    async (c) => {
      const body = c.req.valid("json");
      // our rules (email format, a password for those who sign in, none for Machine users) in one place
      const input = parseOr422(CreateUserInput, { name: body.name, email: body.email, role: roleOf(body) ?? "reporting", password: body.password });
      const user = await c.get("services").users.create({ ...input, throttle: body.throttle ?? null }, c.get("auth").actor);
      return c.json({ data: serializeOmneoUser(user) }, 201);
    },
  );

  api.openapi(
    createRoute({
      method: "put",
      path: "/users/{id}",
      tags,
      summary: "Change a staff user: name, email, password, throttle, role, is_active (the last active Admin stays one)",
      middleware: [requireScope("*"), adminOwner] as const,
      request: { params: UserRefParam, body: strictBody(OmneoUpdateUserInput) },
      responses: { 200: UserData, ...problemResponses, ...notFoundResponse },
    }),
    async (c) => {
      const users = c.get("services").users;
      const actor = c.get("auth").actor;
      const body = c.req.valid("json");
      const { id } = c.req.valid("param");
      const base = parseOr422(UpdateUserInput, { name: body.name, role: roleOf(body), is_active: body.is_active });
      const email = body.email === undefined ? undefined : parseOr422(EmailOnly, { email: body.email }).email;
      const target = await users.get(id);
      // every check before the first write: a refused request changes nothing
      if (body.password !== undefined && (base.role ?? target.role) === "machine") {
        throw DomainError.field("password", "Machine users never sign in, so they have no password");
      }
      const updated = await users.update(target.id, { ...base, email, throttle: body.throttle }, actor);
      if (body.password !== undefined) await users.setPassword(target.id, body.password, actor);
      return c.json({ data: serializeOmneoUser(updated) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: "delete",
      path: "/users/{id}",
      tags,
      summary: "Delete a staff user: signed out, tokens revoked, hidden from reads (the audit log keeps the name)",
      middleware: [requireScope("*"), adminOwner] as const,
      request: { params: UserRefParam },
      responses: { 204: { description: "Deleted" }, ...problemResponses, ...notFoundResponse, 409: { description: "The last active Admin" } },
    }),
    async (c) => {
      await c.get("services").users.remove(c.req.valid("param").id, c.get("auth").actor);
      return c.body(null, 204);
    },
  );
}
