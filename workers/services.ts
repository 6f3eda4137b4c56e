// The one composition root: Remix's load context, the API middleware, queue consumers, cron and
// Durable Objects all build their services here, so every rule has one home. Each service gets what it
// needs through its constructor, built before it, top to bottom; nothing is patched in afterwards.
import { getDb, type Db } from "../db/client";
import { AuditService } from "./access/audit";
import { SessionsService, type SessionsEnded } from "./access/sessions.service";
import { LIVE_FEED_ROOM } from "./profiles/live-feed";
import { TokensService } from "./access/tokens.service";
import { UsersService } from "./access/users.service";
import { Receipts } from "./commerce/ingest";
import { LocationsService } from "./commerce/locations.service";
import { ProductsService } from "./commerce/products.service";
import { TransactionsService } from "./commerce/transactions.service";
import { DeliveriesService, type DeliveryQueue } from "./delivery/deliveries.service";
import type { WebhookQueue } from "./delivery/schema";
import { TargetsService } from "./delivery/targets.service";
import { WebhooksService } from "./delivery/webhooks.service";
import { DefinitionsService } from "./incentives/definitions.service";
import { LedgerLifecycle } from "./incentives/ledger-lifecycle";
import { LedgerService } from "./incentives/ledger.service";
import { IncentiveLists } from "./incentives/lists";
import { OmneoIncentives } from "./incentives/omneo-incentives.service";
import { ImportsService } from "./imports/service";
import { systemClock, type Clock } from "./platform/clock";
import { IdempotencyStore } from "./platform/idempotency";
import { Outbox } from "./platform/outbox";
import { ProfilesService } from "./profiles/service";
import { AutomationsService } from "./reactions/automations.service";
import { buildReactionContext, type ReactionServices } from "./reactions/context";
import { ReactionRunner } from "./reactions/runner";
import { TriggersService } from "./reactions/triggers.service";
import { ReportingService } from "./reporting/service";

export interface Services {
  env: Env;
  db: Db;
  clock: Clock;
  audit: AuditService;
  users: UsersService;
  sessions: SessionsService;
  tokens: TokensService;
  outbox: Outbox;
  idempotency: IdempotencyStore;
  profiles: ProfilesService;
  transactions: TransactionsService;
  /** a receipt's ingest, void and claim: commerce records it, the ledger earns on it */
  receipts: Receipts;
  locations: LocationsService;
  products: ProductsService;
  definitions: DefinitionsService;
  ledger: LedgerService;
  /** issued rewards, benefits and points awards across profiles (the D1 projection) */
  incentiveLists: IncentiveLists;
  /** Omneo's global incentive routes (POST /rewards, a reward by id, tiers/calculate …) over the ledger */
  omneoIncentives: OmneoIncentives;
  triggers: TriggersService;
  reactions: ReactionRunner;
  automations: AutomationsService;
  deliveries: DeliveriesService;
  webhooks: WebhooksService;
  targets: TargetsService;
  reporting: ReportingService;
  imports: ImportsService;
  /** background work that may outlive the response (ctx.waitUntil where there is a ctx) */
  defer(p: Promise<unknown>): void;
}

/** Every service but imports: what the import and export use cases run over. */
export type CoreServices = Omit<Services, "imports">;

export interface ServiceOptions {
  clock?: Clock;
  /** where outbound deliveries are queued (tests capture them: one queue for all, or one per priority); DELIVERIES(_HIGH|_LOW) by default */
  deliveriesQueue?: DeliveryQueue | Record<WebhookQueue, DeliveryQueue>;
}

export function createServices(env: Env, ctx?: Pick<ExecutionContext, "waitUntil"> | null, opts: ServiceOptions = {}): Services {
  const db = getDb(env.DB);
  const clock = opts.clock ?? systemClock;
  const timezone = env.BRAND_TIMEZONE || "Australia/Sydney";
  const defer = (p: Promise<unknown>) => {
    const safe = p.catch((err) => console.error("background task failed", err));
    if (ctx) ctx.waitUntil(safe);
  };
  const audit = new AuditService(db, clock);
  const outbox = new Outbox(db, env.EVENTS, clock);
  // ended console sessions close their live-feed sockets (sign-out, role change, deactivation)
  const closeLiveFeeds: SessionsEnded = async (who) => {
    try {
      await env.LIVE_FEED.getByName(LIVE_FEED_ROOM).closeFor(who);
    } catch (err) {
      console.warn("live feed: could not close the sockets of ended sessions", err);
    }
  };

  // Profiles call the ledger's merge and purge hooks; those need only the ledger DOs and D1, so they come first.
  const ledgerLifecycle = new LedgerLifecycle(env, db);
  const profiles = new ProfilesService(db, clock, audit, outbox, { defaultCountry: env.DEFAULT_COUNTRY || "AU", defer }, [ledgerLifecycle]);
  const locations = new LocationsService(db, clock, audit);
  const products = new ProductsService(db, clock, audit, outbox);
  const definitions = new DefinitionsService(db, clock, audit, { timezone }, { locations, profiles });

  // Commerce records receipts without the ledger; the ledger reads their history back (backfills); a
  // receipt's ingest, void and claim cross the two in Receipts.
  // the brand's currency: AUD until brands configure their own
  const transactions = new TransactionsService(db, clock, audit, outbox, profiles, locations, products, env.EVENTS, { defaultCurrency: "AUD", defer });
  const ledger = new LedgerService(env, db, clock, audit, profiles, definitions, transactions, ledgerLifecycle, outbox);
  const receipts = new Receipts(transactions, ledger);
  const incentiveLists = new IncentiveLists(db);

  const deliveryQueue = (q: Queue | undefined) => (q ?? env.DELIVERIES) as unknown as DeliveryQueue;
  const deliveries = new DeliveriesService(db, clock, env, opts.deliveriesQueue ?? { high: deliveryQueue(env.DELIVERIES_HIGH), default: deliveryQueue(env.DELIVERIES), low: deliveryQueue(env.DELIVERIES_LOW) });
  const targets = new TargetsService(db, clock, audit, env, deliveries);
  const webhooks = new WebhooksService(db, clock, audit, env, deliveries);

  // Reactions act through the services above (target.send goes through delivery's targets: rendered,
  // queued once per (run, action) key); automations run their actions through the same runner.
  const triggers = new TriggersService(db, clock, audit, async (handle) => !!(await targets.findByHandle(handle)));
  const reactionServices: ReactionServices = { env, db, clock, audit, profiles, ledger, definitions };
  const reactions = new ReactionRunner(
    reactionServices,
    triggers,
    async (handle, context, { key }) => {
      const r = await targets.sendTarget(handle, context, { key });
      return r.delivery ? { delivery_id: r.delivery.id } : { skipped: r.skipped };
    },
    buildReactionContext,
  );
  const automations = new AutomationsService(reactionServices, reactions, triggers, buildReactionContext);

  const core: CoreServices = {
    env,
    db,
    clock,
    audit,
    users: new UsersService(db, clock, audit, closeLiveFeeds),
    sessions: new SessionsService(db, clock, audit, closeLiveFeeds),
    tokens: new TokensService(db, clock, audit),
    outbox,
    idempotency: new IdempotencyStore(db, clock),
    profiles,
    transactions,
    receipts,
    locations,
    products,
    definitions,
    ledger,
    incentiveLists,
    omneoIncentives: new OmneoIncentives(ledger, incentiveLists, definitions, profiles, clock),
    triggers,
    reactions,
    automations,
    deliveries,
    webhooks,
    targets,
    reporting: new ReportingService(db, env.DB, clock, audit, { timezone, currency: "AUD" }),
    defer,
  };
  // imports check, submit and export over every service above, so they are built last, over that set
  return { ...core, imports: new ImportsService(core) };
}
