import { redirect, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { Button } from "~/components/ui/button";
import { Field, Input } from "~/components/ui/input";
import { getUser, safeRedirect } from "~/lib/auth.server";
import { failure, invalid, parseWith } from "~/lib/forms.server";
import { sessionCookie } from "../../workers/access/rules";
import { LoginInput } from "../../workers/access/schema";

export const meta: MetaFunction = () => [{ title: "Sign in · Loyalty Edge" }];

// Remix passes only Set-Cookie from an action's headers unless the route says otherwise: a throttled
// sign-in's 429 must keep its Retry-After.
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const out = new Headers();
  const retryAfter = actionHeaders.get("Retry-After");
  if (retryAfter) out.set("Retry-After", retryAfter);
  return out;
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  if (await getUser(request, context)) throw redirect(safeRedirect(new URL(request.url).searchParams.get("redirectTo")));
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const values = { email: String(form.get("email") ?? "") };
  const parsed = parseWith(LoginInput, { email: form.get("email") ?? "", password: form.get("password") ?? "" });
  if (!parsed.ok) return invalid(parsed.errors, { values });
  try {
    const signedIn = await context.services.sessions.login(parsed.data, context.meta);
    return redirect(safeRedirect(form.get("redirectTo")), { headers: { "Set-Cookie": sessionCookie(signedIn.token, signedIn.expiresAt) } });
  } catch (err) {
    return failure(err, { values });
  }
}

export default function Login() {
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state !== "idle";
  const errors = result && !("ok" in result && result.ok) ? result.errors : {};
  const formError = result && "formError" in result ? result.formError : undefined;
  return (
    <main className="flex min-h-full">
      <div className="hidden w-1/2 flex-col justify-between bg-gradient-to-br from-brand-900 via-brand-700 to-brand-500 p-12 text-white lg:flex">
        <div className="flex items-center gap-2 text-lg font-semibold">
          <span className="grid h-8 w-8 place-items-center rounded-lg bg-white/15">L</span> Loyalty Edge
        </div>
        <div>
          <p className="text-3xl font-semibold leading-tight">Know your customers.<br />Reward them at the edge.</p>
          <p className="mt-4 max-w-md text-brand-100">Profiles, transactions and incentives in one console, with an API your storefronts read in milliseconds.</p>
        </div>
        <p className="text-sm text-brand-100">CX Manager</p>
      </div>
      <div className="flex flex-1 items-center justify-center px-6 py-12">
        <div className="w-full max-w-sm">
          <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Sign in</h1>
          <p className="mt-1 text-sm text-slate-500">Use your staff account.</p>
          <Form method="post" className="mt-8 space-y-5" noValidate>
            <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? ""} />
            {formError ? (
              <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 ring-1 ring-red-200" data-testid="form-error">
                {formError}
              </p>
            ) : null}
            <Field label="Email" errors={errors.email}>
              {(p) => <Input {...p} name="email" type="email" autoComplete="username" defaultValue={result?.values?.email as string | undefined} autoFocus />}
            </Field>
            <Field label="Password" errors={errors.password}>
              {(p) => <Input {...p} name="password" type="password" autoComplete="current-password" />}
            </Field>
            <Button type="submit" className="w-full" size="lg" disabled={busy}>
              {busy ? "Signing in…" : "Sign in"}
            </Button>
          </Form>
        </div>
      </div>
    </main>
  );
}
