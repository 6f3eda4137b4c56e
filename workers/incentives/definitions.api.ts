// API routes of incentive definitions: /rewards/definitions, /points/definitions, /rates (+ calculate),
// /benefits/definitions, /tiers/definitions, /achievements/definitions.
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../platform/http";

export function registerDefinitionRoutes(_api: OpenAPIHono<AppEnv>): void {}
