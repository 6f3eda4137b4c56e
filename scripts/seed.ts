// `npm run seed [-- --seed 42] [--staff 6] [--if-empty] [--persist-to DIR]`
// Builds a realistic demo brand in the local D1 with faker, deterministic by seed number: the demo
// Admin (printed), a Manager, a Reporting user, more staff, and a Machine user with an API token.
// Then the customer record: locations, products, profiles with identities and attributes, and a year of
// transactions with returns (`--profiles N`, `--transactions-per-profile N`).
import { faker } from "@faker-js/faker";
import { systemActor } from "../workers/access/actor";
import type { Role } from "../workers/access/rules";
import type { Services } from "../workers/services";
import { bulkInsert } from "./lib/bulk";
import { generateBrand } from "./lib/demo-data";
import { argValue, hasFlag, withLocalServices } from "./lib/local-env";
import type { Actor } from "../workers/access/actor";
import {
  AchievementDefinitionInput,
  BenefitDefinitionInput,
  EarnRateInput,
  PointDefinitionInput,
  RewardDefinitionInput,
  TierDefinitionInput,
} from "../workers/incentives/definitions.schema";
import { TriggerInput } from "../workers/reactions/schema";
import type { HistoryRecord } from "../workers/incentives/history";

export const DEMO_ADMIN = { email: "admin@demo.loyaltyedge.dev", password: "loyalty-edge-demo", name: "Dana Admin" };
export const DEMO_STAFF: Array<{ email: string; name: string; role: Role }> = [
  { email: "manager@demo.loyaltyedge.dev", name: "Max Manager", role: "manager" },
  { email: "reporting@demo.loyaltyedge.dev", name: "Riley Reporting", role: "reporting" },
];

function intArg(name: string, fallback: number, max: number): number {
  const raw = argValue(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > max) {
    console.error(`--${name} must be a whole number from 0 to ${max}`);
    process.exit(2);
  }
  return n;
}

export async function seed(services: Services, opts: { seed: number; staff: number; profiles: number; transactionsPerProfile: number }) {
  faker.seed(opts.seed);
  const actor = systemActor("seed");
  const started = Date.now();
  await services.users.create({ ...DEMO_ADMIN, role: "admin" }, actor);
  for (const s of DEMO_STAFF) await services.users.create({ ...s, password: DEMO_ADMIN.password }, actor);
  const roles: Role[] = ["manager", "reporting"];
  for (let i = 0; i < opts.staff; i++) {
    const first = faker.person.firstName();
    const last = faker.person.lastName();
    await services.users.create(
      {
        name: `${first} ${last}`,
        email: faker.internet.email({ firstName: first, lastName: last, provider: "demo.loyaltyedge.dev" }).toLowerCase(),
        role: roles[i % roles.length]!,
        password: faker.internet.password({ length: 20 }),
      },
      actor,
    );
  }
  const storefront = await services.users.create({ email: "storefront@machine.local", name: "Storefront integration", role: "machine" }, actor);
  const { token } = await services.tokens.create(
    { name: "Demo storefront", scopes: ["profiles:read", "transactions:write", "incentives:read"], user_id: storefront.id, expires_at: null },
    actor,
  );
  await seedDefinitions(services, actor);
  await seedAutomations(services, actor);
  const brand = await generateBrand(
    { seed: opts.seed, profiles: opts.profiles, transactionsPerProfile: opts.transactionsPerProfile, now: new Date(), interactions: true },
    async (table, rows) => {
      await bulkInsert(services.env.DB, table, rows);
    },
  );
  await seedJoinedChannels(services.env.DB, Date.now());
  // The history went straight into D1, past the ledger: a backfill job earns for it once a worker runs
  // (the cron starts it; `npm start` triggers the cron as soon as the worker is up), then replays the
  // rewards the demo's automations would have issued over the year and the ones members spent at the till.
  await services.ledger.startBackfill(actor, { enqueue: false, history: await demoRewardHistory(services.env.DB, Date.now()) });
  // the dashboard's rollups: the history above came in without events, so rebuild them from the tables
  // (the backfill's points, rewards and tiers then arrive as events and add themselves)
  await services.reporting.rebuild(actor);
  return { token, brand, ms: Date.now() - started };
}

const DAY_MS = 86_400_000;

/**
 * How the demo's members joined: those from over a year ago came in an import from the previous system; the
 * online shop's sign-ups and most in-store ones through the API (the shop, the tills), the rest in the console.
 */
async function seedJoinedChannels(db: D1Database, now: number) {
  await db
    .prepare(
      `UPDATE profiles SET joined_channel = CASE
         WHEN joined_at < ?1 THEN 'import'
         WHEN (SELECT type FROM locations WHERE id = profiles.joined_location_id) = 'online' THEN 'api'
         WHEN substr(id, -1) IN ('0', '1', '2', '3', '4', '5', '6', '7', '8') THEN 'api'
         ELSE 'console' END
       WHERE type != 'system'`,
    )
    .bind(now - 365 * DAY_MS)
    .run();
}

/** At most this many history steps ride in the backfill job (its payload is one D1 row). */
const MAX_HISTORY = 4000;

/**
 * The rewards the demo's automations would have issued over its year, for the backfill to replay back-dated:
 * a birthday reward on each member's last birthday, a win-back reward 90 days into a gap of more than 120 days
 * between purchases; each spent (up to its value) on the member's next purchase within its period, if any.
 */
export async function demoRewardHistory(db: D1Database, now: number): Promise<HistoryRecord[]> {
  const defs = new Map((await db.prepare(`SELECT id, handle, value, period_days AS period FROM reward_definitions`).all<{ id: string; handle: string; value: number; period: number | null }>()).results.map((d) => [d.handle, d]));
  const birthday = defs.get("birthday-10");
  const winBack = defs.get("welcome-back-20");
  if (!birthday || !winBack) return [];
  const { results: rows } = await db
    .prepare(
      `SELECT p.id, p.birth_month AS month, p.birth_day AS day, p.joined_at, t.external_id, t.transacted_at, t.total
       FROM profiles p JOIN transactions t ON t.profile_id = p.id AND t.is_void = 0 AND t.total > 0
       WHERE p.type = 'active' ORDER BY p.id, t.transacted_at`,
    )
    .all<{ id: string; month: number | null; day: number | null; joined_at: number; external_id: string; transacted_at: number; total: number }>();
  const byProfile = new Map<string, typeof rows>();
  for (const r of rows) byProfile.set(r.id, [...(byProfile.get(r.id) ?? []), r]);
  const out: HistoryRecord[] = [];
  const grant = (profileId: string, def: { id: string; value: number; period: number | null }, at: number, reason: string, buys: typeof rows) => {
    if (at <= buys[0]!.joined_at || at >= now) return;
    out.push({ kind: "reward.issue", profile_id: profileId, key: `demo:${def.id}:${profileId}:${at}`, at, reward_definition_id: def.id, reason });
    const spentAt = buys.find((b) => b.transacted_at > at && b.transacted_at < Math.min(now, at + (def.period ?? 30) * DAY_MS));
    if (spentAt) out.push({ kind: "redeem", profile_id: profileId, key: `demo:redeem:${def.id}:${profileId}:${spentAt.external_id}`, at: spentAt.transacted_at, amount: Math.min(def.value, spentAt.total), transaction_external_id: spentAt.external_id });
  };
  for (const [profileId, buys] of byProfile) {
    if (out.length >= MAX_HISTORY) break;
    const first = buys[0]!;
    if (first.month && first.day) {
      const year = new Date(now).getUTCFullYear();
      // 9 am Sydney, give or take daylight saving: the automation's morning run
      const thisYear = Date.UTC(year, first.month - 1, first.day) - 1 * 3_600_000;
      grant(profileId, birthday, thisYear < now ? thisYear : Date.UTC(year - 1, first.month - 1, first.day) - 3_600_000, "Happy birthday", buys);
    }
    for (let i = 1; i < buys.length; i++) {
      if (buys[i]!.transacted_at - buys[i - 1]!.transacted_at > 120 * DAY_MS) grant(profileId, winBack, buys[i - 1]!.transacted_at + 90 * DAY_MS, "We miss you", buys);
    }
  }
  return out.slice(0, MAX_HISTORY);
}

/**
 * The demo brand's incentive definitions, each body parsed by the API's own schema (so a body the API
 * would refuse fails the seed) and created by the same service methods the API calls: reward and tier
 * points with their earn rates, a Silver/Gold/Platinum ladder, two rewards, a benefit and an achievement.
 */
export async function seedDefinitions(services: Services, actor: Actor) {
  const d = services.definitions;
  const points = await d.createPoint(PointDefinitionInput.parse({ name: "Reward points", handle: "reward-points", kind: "reward", points_per_dollar: 100, expiry_days: 365 }), actor);
  await d.createRate(EarnRateInput.parse({ point_definition_id: points.id, name: "Everyday 1×", multiplier: 1 }), actor);
  await d.createRate(EarnRateInput.parse({ point_definition_id: points.id, name: "Weekend 2×", multiplier: 2, days_of_week: ["sat", "sun"] }), actor);
  const tierPoints = await d.createPoint(PointDefinitionInput.parse({ name: "Tier points", handle: "tier-points", kind: "tier" }), actor);
  await d.createRate(EarnRateInput.parse({ point_definition_id: tierPoints.id, name: "Tier points 1×", multiplier: 1 }), actor);
  for (const tier of [
    { name: "Silver", handle: "silver", value_min: 0, value_maintain: 0, is_floor: true },
    { name: "Gold", handle: "gold", value_min: 500, value_maintain: 400, credit_enabled: true },
    { name: "Platinum", handle: "platinum", value_min: 1500, value_maintain: 1200 },
  ]) {
    await d.createTier(TierDefinitionInput.parse({ ...tier, point_definition_id: tierPoints.id }), actor);
  }
  await d.createReward(RewardDefinitionInput.parse({ name: "$10 birthday reward", handle: "birthday-10", type: "birthday", value: "10.00", period: 30, is_extendable: true }), actor);
  await d.createReward(RewardDefinitionInput.parse({ name: "$20 welcome back", handle: "welcome-back-20", type: "campaign", value: "20.00", period: 60, notification_offsets: [7, 1] }), actor);
  await d.createReward(RewardDefinitionInput.parse({ name: "$15 Gold welcome", handle: "gold-welcome-15", type: "campaign", value: "15.00", period: 90 }), actor);
  const alteration = await d.createBenefit(
    BenefitDefinitionInput.parse({ name: "Free alteration", handle: "free-alteration", max_redemptions: 3, period: 90, is_claimable: true, eligibility: { "==": [{ var: "type" }, "active"] } }),
    actor,
  );
  await d.createAchievement(
    AchievementDefinitionInput.parse({
      name: "Regular",
      handle: "regular",
      trigger: "transaction",
      levels: { kind: "thresholds", thresholds: [1, 5, 10, 25] },
      unlocks: [{ level: 2, benefit_definition_id: alteration.id }],
    }),
    actor,
  );
}

/**
 * Two ready-made automations switched on, so a newcomer sees runs after `npm start`, and a trigger that
 * welcomes a member to Gold with a reward. The seed cannot reach the ledger (it runs before any worker), so
 * rewards come the way they do in a live brand: when the backfill replays the history, each member it
 * takes to Gold sets the trigger off and the ledger issues the reward (dated when it is issued).
 */
async function seedAutomations(services: Services, actor: Actor) {
  await services.automations.fromTemplate("birthday-reward", { reward: "birthday-10" }, actor, { is_active: true });
  await services.automations.fromTemplate("win-back", { reward: "welcome-back-20" }, actor, { is_active: true });
  await services.triggers.create(
    TriggerInput.parse({
      name: "Gold welcome",
      trigger: "tier.achieved",
      description: "A $15 reward for each member who reaches Gold",
      is_active: true,
      actions: [
        { uuid: "filter", name: "Reached Gold", arguments: [{ name: "condition", value: { "==": [{ var: "tier_change.to_tier" }, "gold"] }, is_dynamic: false }] },
        {
          uuid: "reward.create",
          name: "Gold welcome reward",
          arguments: [
            { name: "profile_id", value: { var: "profile_id" }, is_dynamic: true },
            { name: "definition", value: "gold-welcome-15", is_dynamic: false },
          ],
        },
      ],
    }),
    actor,
  );
}

function printLogin() {
  console.log("");
  console.log("  Demo login");
  console.log(`    email:    ${DEMO_ADMIN.email}`);
  console.log(`    password: ${DEMO_ADMIN.password}`);
  console.log(`  (also ${DEMO_STAFF.map((s) => s.email).join(", ")} with the same password)`);
  console.log("");
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  const seedNumber = intArg("seed", 42, 2 ** 31);
  const staff = intArg("staff", 6, 10_000);
  const profiles = intArg("profiles", 250, 10_000_000);
  const perProfile = intArg("transactions-per-profile", 6, 1_000);
  await withLocalServices(async (services) => {
    const existing = await services.users.count();
    if (existing > 0) {
      if (hasFlag("if-empty")) {
        console.log(`Local database already has ${existing} users; not seeding.`);
        printLogin();
        return;
      }
      console.error(`The local database already has ${existing} users. Seed a fresh one (rm -rf .wrangler/state) or use --if-empty.`);
      process.exit(2);
    }
    const { token, brand, ms } = await seed(services, { seed: seedNumber, staff, profiles, transactionsPerProfile: perProfile });
    console.log(
      `Seeded the demo brand (seed ${seedNumber}): ${staff + 4} users, ${brand.locations} locations, ${brand.products} products, ` +
        `${brand.profiles} profiles, ${brand.transactions} transactions (${brand.items} items) in ${(ms / 1000).toFixed(1)} s.`,
    );
    console.log(`Demo storefront API token (profiles:read, transactions:write, incentives:read): ${token}`);
    printLogin();
  });
}
