// API routes of the ledger: balances, instances, issue by hand, redemptions, tiers, ledgers, storefront tokens.
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../platform/http";

export function registerLedgerRoutes(_api: OpenAPIHono<AppEnv>): void {}
