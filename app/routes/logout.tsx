import { redirect, type ActionFunctionArgs } from "@remix-run/cloudflare";
import { getUser } from "~/lib/auth.server";
import { clearedSessionCookie, readSessionToken } from "../../workers/access/rules";

export async function action({ request, context }: ActionFunctionArgs) {
  const signedIn = await getUser(request, context);
  await context.services.sessions.logout(readSessionToken(request), signedIn?.actor);
  return redirect("/login", { headers: { "Set-Cookie": clearedSessionCookie() } });
}

export const loader = () => redirect("/dashboard");
