// `npm run token -- --name dev --scopes '*' [--owner email] [--days 30] [--persist-to DIR]`
// Prints a fresh API token made against the local D1, owned by a Machine user ("Local CLI") unless --owner is given.
import { systemActor } from "../workers/access/actor";
import { CreateApiTokenInput } from "../workers/access/schema";
import { argValue, withLocalServices } from "./lib/local-env";

const name = argValue("name") || "cli";
const scopes = (argValue("scopes") || "*").split(/[\s,]+/).filter(Boolean);
const days = argValue("days");
const ownerEmail = argValue("owner");

await withLocalServices(async (services) => {
  const actor = systemActor("token cli");
  let owner = ownerEmail ? await services.users.findByEmail(ownerEmail) : await services.users.findByEmail("cli@machine.local");
  if (!owner && ownerEmail) {
    console.error(`No user ${ownerEmail} in the local database (run npm run seed first?)`);
    process.exit(2);
  }
  if (!owner) {
    await services.users.create({ email: "cli@machine.local", name: "Local CLI", role: "machine" }, actor);
    owner = await services.users.findByEmail("cli@machine.local");
  }
  const parsed = CreateApiTokenInput.safeParse({
    name,
    scopes,
    user_id: owner!.id,
    expires_at: days ? new Date(Date.now() + Number(days) * 86_400_000).toISOString() : null,
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) console.error(`${issue.path.join(".") || "input"}: ${issue.message}`);
    process.exit(2);
  }
  const { token, record } = await services.tokens.create(parsed.data, actor);
  if (process.argv.includes("--quiet")) {
    console.log(token);
  } else {
    console.log(`Token "${record.name}" (${record.scopes.join(", ")}) for ${owner!.email}:`);
    console.log(token);
  }
});
