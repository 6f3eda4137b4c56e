// The one composition root: Remix's load context, the API middleware, queue consumers, cron and
// Durable Objects all build their services here, so every rule has one home.
import { getDb, type Db } from "../db/client";
import { AuditService } from "./access/audit";
import { SessionsService } from "./access/sessions.service";
import { TokensService } from "./access/tokens.service";
import { UsersService } from "./access/users.service";
import { LocationsService } from "./commerce/locations.service";
import { ProductsService } from "./commerce/products.service";
import { TransactionsService } from "./commerce/transactions.service";
import { DeliveriesService, type DeliveryQueue } from "./delivery/deliveries.service";
import { TargetsService } from "./delivery/targets.service";
import { WebhooksService } from "./delivery/webhooks.service";
import { DefinitionsService } from "./incentives/definitions.service";
import { LedgerService } from "./incentives/ledger.service";
import { ImportsService } from "./imports/service";
import { systemClock, type Clock } from "./platform/clock";
import { IdempotencyStore } from "./platform/idempotency";
import { Outbox } from "./platform/outbox";
import { ProfilesService, type ProfileLifecycleHooks } from "./profiles/service";
import { AutomationsService } from "./reactions/automations.service";
import { buildReactionContext } from "./reactions/context";
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
  locations: LocationsService;
  products: ProductsService;
  definitions: DefinitionsService;
  ledger: LedgerService;
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

export interface ServiceOptions {
  clock?: Clock;
  /** where outbound deliveries are queued (tests capture them); the DELIVERIES queue by default */
  deliveriesQueue?: DeliveryQueue;
}

export function createServices(env: Env, ctx?: Pick<ExecutionContext, "waitUntil"> | null, opts: ServiceOptions = {}): Services {
  const db = getDb(env.DB);
  const clock = opts.clock ?? systemClock;
  const audit = new AuditService(db, clock);
  const outbox = new Outbox(db, env.EVENTS, clock);
  const defer = (p: Promise<unknown>) => {
    const safe = p.catch((err) => console.error("background task failed", err));
    if (ctx) ctx.waitUntil(safe);
  };
  // Areas that own per-profile state elsewhere (the incentive ledger) register here.
  const profileHooks: ProfileLifecycleHooks[] = [];
  const profiles = new ProfilesService(db, clock, audit, outbox, { defaultCountry: env.DEFAULT_COUNTRY || "AU", defer }, profileHooks);
  const locations = new LocationsService(db, clock, audit);
  const products = new ProductsService(db, clock, audit);
  const definitions = new DefinitionsService(db, clock, audit, { timezone: env.BRAND_TIMEZONE || "Australia/Sydney" }, { locations, profiles });
  const ledger = new LedgerService(env, db, clock, audit, profiles, definitions);
  profileHooks.push(ledger);
  // the brand's currency: AUD until brands configure their own
  const transactions = new TransactionsService(db, clock, audit, outbox, profiles, locations, products, env.EVENTS, { defaultCurrency: "AUD", defer });
  transactions.incentives = ledger;
  ledger.history = (profileId) => transactions.historyOf(profileId);
  const deliveries = new DeliveriesService(db, clock, env, opts.deliveriesQueue ?? (env.DELIVERIES as unknown as DeliveryQueue));
  const targets = new TargetsService(db, clock, audit, env, deliveries);
  const triggers = new TriggersService(db, clock, audit);
  triggers.targetExists = async (handle) => !!(await targets.findByHandle(handle));
  // the runner calls back into the other services (ledger, profiles), so it gets the finished set
  let self: Services | null = null;
  const reactions = new ReactionRunner(() => self!, triggers, buildReactionContext);
  // target.send goes through delivery's targets: rendered, queued once per (run, action) key
  reactions.targetSender = async (handle, context, { key }) => {
    const r = await targets.sendTarget(handle, context, { key });
    return r.delivery ? { delivery_id: r.delivery.id } : { skipped: r.skipped };
  };
  const automations = new AutomationsService(() => self!, triggers, buildReactionContext);
  self = {
    env,
    db,
    clock,
    audit,
    users: new UsersService(db, clock, audit),
    sessions: new SessionsService(db, clock, audit),
    tokens: new TokensService(db, clock, audit),
    outbox,
    idempotency: new IdempotencyStore(db, clock),
    profiles,
    transactions,
    locations,
    products,
    definitions,
    ledger,
    triggers,
    reactions,
    automations,
    deliveries,
    webhooks: new WebhooksService(db, clock, audit, env, deliveries),
    targets,
    reporting: new ReportingService(db, env.DB, clock, audit, { timezone: env.BRAND_TIMEZONE || "Australia/Sydney", currency: "AUD" }),
    imports: new ImportsService(() => self!),
    defer,
  };
  return self;
}
