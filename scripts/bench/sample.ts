// Picks search keys from a seeded brand for the search benchmark: `tsx scripts/bench/sample.ts
// --persist-to DIR --n 1000` prints JSON {profileIds, emails, mobiles, identities, names} on stdout,
// each list n long (sampled at random from the profiles that have that key).
import { argValue, withLocalServices } from "../lib/local-env";

const n = Number(argValue("n") ?? 1000);

await withLocalServices(async (services) => {
  const db = services.env.DB;
  const all = async <T>(sql: string) => (await db.prepare(sql).bind(n).all<T>()).results;
  const [profiles, mobiles, identities] = await Promise.all([
    all<{ id: string; email: string; last_name: string; first_name: string }>(
      "SELECT id, email, first_name, last_name FROM profiles WHERE type = 'active' ORDER BY random() LIMIT ?",
    ),
    all<{ mobile_phone: string }>("SELECT mobile_phone FROM profiles WHERE mobile_phone IS NOT NULL ORDER BY random() LIMIT ?"),
    all<{ handle: string; identifier: string }>("SELECT handle, identifier FROM identities ORDER BY random() LIMIT ?"),
  ]);
  // Mobiles as people type them: national format with spaces (0412 345 678), normalised by the search.
  const local = (e164: string) => `0${e164.slice(3, 6)} ${e164.slice(6, 9)} ${e164.slice(9)}`;
  process.stdout.write(
    `${JSON.stringify({
      profileIds: profiles.map((p) => p.id),
      emails: profiles.map((p) => p.email),
      names: profiles.map((p, i) => (i % 2 ? p.last_name : `${p.first_name} ${p.last_name.slice(0, 3)}`)),
      mobiles: mobiles.map((m) => local(m.mobile_phone)),
      identities: identities.map((i) => i.identifier),
    })}\n`,
  );
});
