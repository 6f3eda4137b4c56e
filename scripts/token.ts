// `npm run token -- --name dev --scopes '*' [--owner email] [--days 30] [--persist-to DIR]`
// Prints a fresh API token made against the local D1, owned by a Machine user ("Local CLI") unless --owner is given.
import { systemActor } from "../workers/access/actor";
import { CreateApiTokenInput } from "../workers/access/schema";
import { retryOnBusy } from "./lib/busy-retry";
import { argValue, withLocalServices } from "./lib/local-env";

const name = argValue("name") || "cli";
const scopes = (argValue("scopes") || "*").split(/[\s,]+/).filter(Boolean);
const days = argValue("days");
const ownerEmail = argValue("owner");

// right after `npm start` the worker's backfill writes the same local D1: a step that meets SQLITE_BUSY wrote
// nothing and is retried with backoff (each step is safe to repeat: the owner is looked up before it is created)
const busyRetry = { onRetry: (attempt: number, ms: number) => console.error(`local D1 is busy (the worker is writing); retrying in ${ms} ms (${attempt})`) };

await withLocalServices(async (services) => {
  const actor = systemActor("token cli");
  let owner = await retryOnBusy(() => services.users.findByEmail(ownerEmail || "cli@machine.local"), busyRetry);
  if (!owner && ownerEmail) {
    console.error(`No user ${ownerEmail} in the local database (run npm run seed first?)`);
    process.exit(2);
  }
  if (!owner) {
    owner = await retryOnBusy(async () => {
      // a retried create may find the user its first try made before the lock was met
      const made = await services.users.findByEmail("cli@machine.local");
      if (!made) await services.users.create({ email: "cli@machine.local", name: "Local CLI", role: "machine" }, actor);
      return services.users.findByEmail("cli@machine.local");
    }, busyRetry);
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
  const { token, record } = await retryOnBusy(() => services.tokens.create(parsed.data, actor), busyRetry);
  if (process.argv.includes("--quiet")) {
    console.log(token);
  } else {
    console.log(`Token "${record.name}" (${record.scopes.join(", ")}) for ${owner!.email}:`);
    console.log(token);
  }
});
