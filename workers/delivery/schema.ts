// Contracts of delivery (webhooks, targets, the delivery log) shared by the API, the console's forms
// and the OpenAPI document. Field names follow Omneo's v3 webhooks and targets. The URL's SSRF check
// depends on the environment (ALLOW_INSECURE_WEBHOOK_URLS), so the service applies it; everything
// else about a field is said here.
import { z } from "@hono/zod-openapi";
import { canonicalEventType, EVENT_TYPES, unknownEventTypeMessage } from "../events/catalogue";
import { conditionErrors } from "../incentives/rules/conditions";
import { handle } from "../platform/zod";
import { normaliseQueue } from "./rules";

// delivery's vocabulary; db/schema/delivery takes its column enums from here
export const WEBHOOK_QUEUES = ["high", "default", "low"] as const;
export type WebhookQueue = (typeof WEBHOOK_QUEUES)[number];
export const DELIVERY_STATUSES = ["pending", "delivered", "failed", "dead"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
export const DELIVERY_KINDS = ["webhook", "target", "test"] as const;
export type DeliveryKind = (typeof DELIVERY_KINDS)[number];

const Bool = (field: string) => z.boolean({ error: `${field} must be true or false` });

const Url = z
  .string({ error: "url is required" })
  .trim()
  .min(1, "url is required")
  .max(2000, "url must be at most 2000 characters")
  .openapi({ example: "https://hooks.example.com/loyalty", description: "https to a public host; private, loopback, link-local and metadata addresses are refused" });

export const Trigger = z
  .string({ error: "trigger is required" })
  .trim()
  .min(1, "trigger is required")
  .max(100, "trigger must be at most 100 characters")
  .superRefine((v, ctx) => {
    if (!canonicalEventType(v)) ctx.addIssue({ code: "custom", message: unknownEventTypeMessage(v) });
  })
  .openapi({
    type: "string",
    example: "reward.issued",
    description: `An event type: ${EVENT_TYPES.join(", ")}. Omneo's names are accepted as aliases (reward.created and benefit.created; plural resources and present-tense verbs such as profiles.create) and returned as sent.`,
  });

/** JSON Logic, given as an object or (Omneo's targets) as a string of JSON; null or absent: none. */
export const ConditionInput = (field = "condition") =>
  z
    .unknown()
    .transform((v, ctx) => {
      if (v === null || v === undefined || v === "") return null;
      let parsed: unknown = v;
      if (typeof v === "string") {
        try {
          parsed = JSON.parse(v);
        } catch {
          ctx.addIssue({ code: "custom", message: `${field} is not valid JSON` });
          return z.NEVER;
        }
      }
      const errors = conditionErrors(parsed);
      for (const message of errors) ctx.addIssue({ code: "custom", message: `${field}: ${message}` });
      return errors.length ? z.NEVER : parsed;
    })
    .optional()
    .openapi({ type: "object", example: { ">=": [{ var: "transaction.total" }, 100] }, description: "JSON Logic over the event context (an object, or a string of JSON); null: always" });

const Namespace = z
  .string({ error: "namespace must be a string" })
  .trim()
  .max(64, "namespace must be at most 64 characters")
  .transform((v) => (v === "" ? null : v))
  .nullish()
  .openapi({ type: "string", description: "Events caused by an API token of the same namespace are not sent to this webhook (no echo)" });

const Queue = z
  .string({ error: "queue must be a string" })
  .max(20, "queue must be at most 20 characters")
  .nullish()
  .transform(normaliseQueue)
  .openapi({ type: "string", maxLength: 20, examples: ["high", "default", "low"], description: "high, default or low; any other string is taken as low (Omneo's rule), so the document lists no enum: the server accepts any string up to 20 characters" });

const webhookFields = {
  trigger: Trigger,
  url: Url,
  namespace: Namespace,
  queue: Queue,
  condition: ConditionInput(),
  is_active: Bool("is_active").optional(),
  retry_hourly: Bool("retry_hourly").optional(),
  retry_daily: Bool("retry_daily").nullish(),
};

export const WebhookInput = z.object(webhookFields).strict().openapi("WebhookInput");
export type WebhookInput = z.output<typeof WebhookInput>;

export const UpdateWebhookInput = z
  .object({ ...webhookFields, trigger: Trigger.optional(), url: Url.optional(), queue: Queue.optional(), condition: ConditionInput().optional() })
  .strict()
  .openapi("UpdateWebhookInput");
export type UpdateWebhookInput = z.output<typeof UpdateWebhookInput>;

export const WebhookSchema = z
  .object({
    id: z.string(),
    trigger: z.string(),
    url: z.string(),
    namespace: z.string().nullable(),
    user_id: z.string().nullable(),
    queue: z.enum(["high", "default", "low"]),
    condition: z.unknown().nullable().openapi({ type: "object" }),
    is_active: z.boolean(),
    retry_hourly: z.boolean(),
    retry_daily: z.boolean(),
    disabled_reason: z.string().nullable().openapi({ description: "Why the platform switched the endpoint off (410 Gone, failing for 3 days)" }),
    disabled_at: z.string().nullable(),
    failing_since: z.string().nullable(),
    secret_rotated_until: z.string().nullable().openapi({ description: "Until then the previous secret also signs" }),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Webhook");

export const CreatedWebhookSchema = WebhookSchema.extend({
  secret: z.string().nullable().openapi({ description: "The whsec_ signing secret, shown once (null on an Idempotency-Key replay)" }),
}).openapi("CreatedWebhook");

export const WebhookListQuery = z
  .object({
    "page[number]": z.string().optional(),
    "page[size]": z.string().optional(),
    "filter[trigger]": z.string().max(100).optional(),
    "filter[is_active]": z.enum(["true", "false", "1", "0"], { error: "filter[is_active] must be true, false, 1 or 0" }).optional(),
    "filter[namespace]": z.string().max(64).optional(),
  })
  .strict();

export const DeliveryListQuery = z
  .object({
    "page[number]": z.string().optional(),
    "page[size]": z.string().optional(),
    "filter[status]": z.enum(DELIVERY_STATUSES, { error: `filter[status] must be one of ${DELIVERY_STATUSES.join(", ")}` }).optional(),
  })
  .strict();

export const AttemptSchema = z
  .object({
    attempt: z.number().int(),
    at: z.string(),
    status_code: z.number().int().nullable(),
    latency_ms: z.number().int(),
    error: z.string().nullable(),
    response_excerpt: z.string().nullable(),
  })
  .openapi("DeliveryAttempt");

export const DeliverySchema = z
  .object({
    id: z.string().openapi({ description: "The webhook-id header: stable across retries" }),
    kind: z.enum(["webhook", "target", "test"]),
    webhook_id: z.string().nullable(),
    target_id: z.string().nullable(),
    event_id: z.string().nullable(),
    event_type: z.string(),
    url: z.string(),
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.number().int(),
    next_attempt_at: z.string().nullable(),
    last_status_code: z.number().int().nullable(),
    last_error: z.string().nullable(),
    created_at: z.string(),
    delivered_at: z.string().nullable(),
    body: z.string().optional().openapi({ description: "What was sent (single delivery only)" }),
    attempt_log: z.array(AttemptSchema).optional(),
  })
  .openapi("Delivery");

export const EventTypeSchema = z.object({ type: z.string(), subject: z.string(), description: z.string(), aliases: z.array(z.string()) }).openapi("EventType");

// ── targets ─────────────────────────────────────────────────────────────────────────────────────

export const TARGET_METHODS = ["POST", "PUT", "PATCH", "GET", "DELETE"] as const;

const HeaderName = z
  .string({ error: "header name is required" })
  .trim()
  .min(1, "header name is required")
  .max(100, "header name must be at most 100 characters")
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "header name may contain only token characters")
  .refine((n) => !["host", "content-length", "connection", "transfer-encoding"].includes(n.toLowerCase()), "this header is set by the platform");

export const TargetHeaderInput = z
  .object({
    name: HeaderName,
    value: z.string({ error: "header value must be a string" }).max(4000, "header value must be at most 4000 characters").nullish(),
    is_secret: Bool("is_secret").optional(),
  })
  .strict();

const TargetHeaders = z
  .union([z.array(TargetHeaderInput).max(30, "at most 30 headers"), z.record(z.string(), z.string())])
  .transform((h) => (Array.isArray(h) ? h : Object.entries(h).map(([name, value]) => ({ name, value, is_secret: false }))))
  .openapi({ description: "[{name, value, is_secret}] or {name: value}; a secret value is encrypted at rest and never returned (send null to keep it)" });

const Text = (field: string, max: number) =>
  z
    .string({ error: `${field} must be a string` })
    .max(max, `${field} must be at most ${max} characters`)
    .transform((v) => (v.trim() === "" ? null : v))
    .nullish();

const targetFields = {
  name: z.string({ error: "name is required" }).trim().min(1, "name is required").max(200, "name must be at most 200 characters"),
  handle: handle({ required: true }),
  url: Url,
  method: z
    .string()
    .transform((m) => m.toUpperCase())
    .pipe(z.enum(TARGET_METHODS, { error: `method must be one of ${TARGET_METHODS.join(", ")}` }))
    .optional()
    .openapi({ type: "string", enum: [...TARGET_METHODS] }),
  headers: TargetHeaders.optional(),
  template: z.string({ error: "template is required" }).min(1, "template is required").max(100_000, "template must be at most 100000 characters").openapi({ description: "A Twig template rendered with the event context" }),
  condition: ConditionInput(),
  description: Text("description", 2000),
  notes: Text("notes", 10_000),
};

export const TargetInput = z.object(targetFields).strict().openapi("TargetInput");
export type TargetInput = z.output<typeof TargetInput>;
export const UpdateTargetInput = z
  .object({ ...targetFields, name: targetFields.name.optional(), handle: targetFields.handle.optional(), url: Url.optional(), template: targetFields.template.optional(), condition: ConditionInput().optional() })
  .strict()
  .openapi("UpdateTargetInput");
export type UpdateTargetInput = z.output<typeof UpdateTargetInput>;

export const TargetSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    handle: z.string(),
    url: z.string(),
    method: z.string(),
    headers: z.array(z.object({ name: z.string(), value: z.string().nullable(), is_secret: z.boolean() })),
    template: z.string(),
    condition: z.string().nullable().openapi({ description: "Stringified JSON Logic (Omneo's shape)" }),
    description: z.string().nullable(),
    notes: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Target");

export const TargetPreviewInput = z
  .object({
    template: z.string().max(100_000).optional().openapi({ description: "A template to try instead of the saved one" }),
    event_type: z.string().max(100).optional().openapi({ description: "The sample event's type (default transaction.created)" }),
    context: z.record(z.string(), z.unknown()).optional().openapi({ description: "A context to render with instead of the sample" }),
  })
  .strict()
  .openapi("TargetPreviewInput");

export const TargetPreviewSchema = z.object({ body: z.string(), condition_passed: z.boolean(), context: z.record(z.string(), z.unknown()) }).openapi("TargetPreview");
