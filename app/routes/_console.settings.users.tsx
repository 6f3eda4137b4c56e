import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useState } from "react";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Card, PageHeader } from "~/components/ui/card";
import { Dialog } from "~/components/ui/dialog";
import { Field, Input, Select } from "~/components/ui/input";
import { Table, TBody, Td, Th, THead, Tr } from "~/components/ui/table";
import { useToast } from "~/components/ui/toast";
import { requireUser } from "~/lib/auth.server";
import { failure, invalid, parseWith } from "~/lib/forms.server";
import { PERMISSIONS, ROLE_DESCRIPTIONS, ROLE_LABELS, ROLE_PERMISSIONS, ROLES } from "../../workers/access/rules";
import { CreateUserInput, UpdateUserInput } from "../../workers/access/schema";

export const meta: MetaFunction = () => [{ title: "Users · Loyalty Edge" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireUser(request, context, "users:manage");
  const users = await context.services.users.list();
  return {
    me: user.id,
    users: users.map((u) => ({ id: u.id, name: u.name, email: u.email, role: u.role, isActive: u.isActive, lastLoginAt: u.lastLoginAt?.toISOString() ?? null })),
    matrix: ROLES.map((role) => ({ role, label: ROLE_LABELS[role], description: ROLE_DESCRIPTIONS[role], permissions: ROLE_PERMISSIONS[role] })),
    permissions: PERMISSIONS,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = await requireUser(request, context, "users:manage");
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  try {
    if (intent === "create") {
      const values = { name: form.get("name"), email: form.get("email"), role: form.get("role"), password: form.get("password") || undefined };
      const parsed = parseWith(CreateUserInput, values);
      if (!parsed.ok) return invalid(parsed.errors, { intent, values: { ...values, password: undefined } });
      const created = await context.services.users.create(parsed.data, actor);
      return { ok: true as const, intent, message: `${created.name} can now sign in as ${ROLE_LABELS[created.role]}` };
    }
    const id = String(form.get("id") ?? "");
    if (intent === "role" || intent === "active") {
      const input = intent === "role" ? { role: form.get("role") } : { is_active: form.get("is_active") === "true" };
      const parsed = parseWith(UpdateUserInput, input);
      if (!parsed.ok) return invalid(parsed.errors, { intent });
      const updated = await context.services.users.update(id, parsed.data, actor);
      const message = intent === "role" ? `${updated.name} is now ${ROLE_LABELS[updated.role]}` : `${updated.name} is ${updated.isActive ? "active again" : "deactivated"}`;
      return { ok: true as const, intent, message };
    }
    return invalid({ intent: ["Unknown action"] });
  } catch (err) {
    return failure(err, { intent });
  }
}

function formatDate(iso: string | null) {
  return iso ? new Date(iso).toLocaleString() : "Never";
}

export default function UsersPage() {
  const { users, matrix, permissions, me } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const toast = useToast();
  const [createOpen, setCreateOpen] = useState(false);
  const createErrors = result && !result.ok && result.intent === "create" ? result.errors : {};
  const createValues = result && !result.ok && result.intent === "create" ? (result.values ?? {}) : {};

  useEffect(() => {
    if (!result) return;
    if (result.ok) {
      toast({ title: result.message, tone: "success" });
      if (result.intent === "create") setCreateOpen(false);
    } else if (result.intent !== "create") {
      const msg = result.formError ?? Object.values(result.errors).flat().join(" ");
      toast({ title: "Not changed", description: msg, tone: "error" });
    }
  }, [result, toast]);

  return (
    <>
      <PageHeader
        title="Users"
        description="Staff who sign in to the console, and Machine users that own API tokens."
        actions={
          <Dialog
            open={createOpen}
            onOpenChange={setCreateOpen}
            title="Create user"
            description="Console users sign in with email and password. Machine users never sign in."
            trigger={<Button>Create user</Button>}
          >
            <Form method="post" className="space-y-4" noValidate>
              <input type="hidden" name="intent" value="create" />
              <Field label="Name" errors={createErrors.name}>
                {(p) => <Input {...p} name="name" defaultValue={createValues.name as string | undefined} />}
              </Field>
              <Field label="Email" errors={createErrors.email}>
                {(p) => <Input {...p} name="email" type="email" defaultValue={createValues.email as string | undefined} />}
              </Field>
              <Field label="Role" errors={createErrors.role}>
                {(p) => (
                  <Select {...p} name="role" defaultValue={(createValues.role as string | undefined) ?? "manager"}>
                    {matrix.map((r) => (
                      <option key={r.role} value={r.role}>
                        {r.label}
                      </option>
                    ))}
                  </Select>
                )}
              </Field>
              <Field label="Password" hint="At least 12 characters. Leave empty for a Machine user." errors={createErrors.password}>
                {(p) => <Input {...p} name="password" type="password" autoComplete="new-password" />}
              </Field>
              <div className="flex justify-end gap-2 pt-2">
                <Button type="submit" disabled={navigation.state !== "idle"}>
                  Create user
                </Button>
              </div>
            </Form>
          </Dialog>
        }
      />
      <Table data-testid="users-table">
        <THead>
          <tr>
            <Th>Name</Th>
            <Th>Email</Th>
            <Th>Role</Th>
            <Th>Status</Th>
            <Th>Last sign-in</Th>
            <Th className="text-right">Actions</Th>
          </tr>
        </THead>
        <TBody>
          {users.map((u) => (
            <Tr key={u.id} data-testid={`user-row-${u.email}`}>
              <Td className="font-medium text-slate-900">
                {u.name} {u.id === me ? <Badge tone="brand">you</Badge> : null}
              </Td>
              <Td>{u.email}</Td>
              <Td>
                {u.role === "machine" ? (
                  <Badge>Machine</Badge>
                ) : (
                  <Form method="post" className="flex items-center gap-2">
                    <input type="hidden" name="intent" value="role" />
                    <input type="hidden" name="id" value={u.id} />
                    <Select name="role" defaultValue={u.role} aria-label={`Role of ${u.email}`} className="w-36 py-1">
                      {matrix
                        .filter((r) => r.role !== "machine")
                        .map((r) => (
                          <option key={r.role} value={r.role}>
                            {r.label}
                          </option>
                        ))}
                    </Select>
                    <Button type="submit" size="sm" variant="secondary">
                      Save
                    </Button>
                  </Form>
                )}
              </Td>
              <Td>{u.isActive ? <Badge tone="success">Active</Badge> : <Badge tone="danger">Deactivated</Badge>}</Td>
              <Td>{u.role === "machine" ? "—" : formatDate(u.lastLoginAt)}</Td>
              <Td className="text-right">
                <Form method="post">
                  <input type="hidden" name="intent" value="active" />
                  <input type="hidden" name="id" value={u.id} />
                  <input type="hidden" name="is_active" value={u.isActive ? "false" : "true"} />
                  <Button type="submit" size="sm" variant={u.isActive ? "ghost" : "secondary"}>
                    {u.isActive ? "Deactivate" : "Reactivate"}
                  </Button>
                </Form>
              </Td>
            </Tr>
          ))}
        </TBody>
      </Table>

      <Card className="mt-8" title="Roles and permissions" description="Fixed in code; every console page and API route checks it.">
        <div className="overflow-x-auto">
          <table className="min-w-full text-sm" data-testid="permission-matrix">
            <thead>
              <tr>
                <th className="py-2 pr-4 text-left font-semibold text-slate-600">Permission</th>
                {matrix.map((r) => (
                  <th key={r.role} className="px-3 py-2 text-center font-semibold text-slate-600" title={r.description}>
                    {r.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {permissions.map((p) => (
                <tr key={p}>
                  <td className="py-1.5 pr-4 font-mono text-xs text-slate-600">{p}</td>
                  {matrix.map((r) => (
                    <td key={r.role} className="px-3 py-1.5 text-center">
                      {r.permissions.includes(p) ? <span className="text-emerald-600" aria-label="allowed">●</span> : <span className="text-slate-300" aria-label="not allowed">○</span>}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <dl className="mt-4 grid gap-2 text-sm sm:grid-cols-2">
          {matrix.map((r) => (
            <div key={r.role}>
              <dt className="font-medium text-slate-800">{r.label}</dt>
              <dd className="text-slate-500">{r.description}</dd>
            </div>
          ))}
        </dl>
      </Card>
    </>
  );
}
