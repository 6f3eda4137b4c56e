// API routes of automations (filled in with the automations service).
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../platform/http";

export function registerAutomationRoutes(_api: OpenAPIHono<AppEnv>) {}
