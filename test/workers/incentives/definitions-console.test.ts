// Configuration → Rewards, Points (+ earn rates, calculator), Benefits, Tiers, Achievements in the console:
// every role reads the lists, only an Admin opens and posts the forms (a Manager's or Reporting user's
// post is refused and writes nothing), the forms show the service's field errors, and the previews
// (rate calculator, tier ladder) answer.
import { beforeAll, describe, expect, it } from "vitest";
import {
  achievementDefinitions,
  auditLog,
  benefitDefinitions,
  earnRates,
  pointDefinitions,
  rewardDefinitions,
  tierDefinitions,
} from "../../../db/schema";
import { api, consoleAction, countRows, fetchWorker, makeToken, makeUser, signIn } from "../helpers";
import { create, pointBody, rateBody, read, rewardBody, tierBody, tierPointsBody, uid, type Def } from "./support";

type Who = "admin" | "manager" | "reporting";
const cookies = {} as Record<Who, string>;
let token: string;
let tierPoints: Def;

beforeAll(async () => {
  for (const role of ["admin", "manager", "reporting"] as const) cookies[role] = await signIn((await makeUser(role)).email);
  token = (await makeToken(["*"])).token;
  tierPoints = await create(token, "/points/definitions", tierPointsBody());
});

const SECTIONS = ["rewards", "points", "benefits", "tiers", "achievements"] as const;
const tables = [rewardDefinitions, pointDefinitions, benefitDefinitions, tierDefinitions, achievementDefinitions, earnRates, auditLog] as const;
const counts = () => Promise.all(tables.map((t) => countRows(t)));

describe("who may open what", () => {
  const reads = SECTIONS.flatMap((s) => (["admin", "manager", "reporting"] as const).map((who) => ({ path: `/configuration/${s}`, who })));
  it.each(reads)("$who opens $path", async ({ path, who }) => {
    const res = await fetchWorker(path, { cookie: cookies[who] });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).not.toContain('data-testid="error-page"');
    expect(html.includes("data-testid=\"new-"), "the New button is for editors only").toBe(who === "admin");
  });

  const forms = [...SECTIONS.map((s) => `/configuration/${s}/new`), "/configuration/points/rates/new"];
  it.each(forms.flatMap((path) => (["admin", "manager", "reporting"] as const).map((who) => ({ path, who }))))("$who → GET $path", async ({ path, who }) => {
    const res = await fetchWorker(path, { cookie: cookies[who] });
    expect(res.status).toBe(who === "admin" ? 200 : 403);
  });

  const bodies: Record<string, () => Record<string, string>> = {
    "/configuration/rewards/new": () => ({ name: `Sneaky ${uid()}`, type: "other", value: "1000.00", period: "30" }),
    "/configuration/points/new": () => ({ name: `Sneaky ${uid()}`, kind: "reward", points_per_dollar: "1" }),
    "/configuration/benefits/new": () => ({ name: `Sneaky ${uid()}`, max_redemptions: "99" }),
    "/configuration/tiers/new": () => ({ name: `Sneaky ${uid()}`, point_definition_id: tierPoints.id, value_min: String(Math.floor(Math.random() * 1e9)), value_maintain: "0" }),
    "/configuration/achievements/new": () => ({ name: `Sneaky ${uid()}`, "levels.kind": "on_off" }),
    "/configuration/points/rates/new": () => ({ name: `Sneaky ${uid()}`, point_definition_id: tierPoints.id, multiplier: "100" }),
  };
  const posts = Object.keys(bodies).flatMap((path) => (["manager", "reporting", "anonymous"] as const).map((who) => ({ path, who })));
  it.each(posts)("$who: POST $path is refused and writes nothing", async ({ path, who }) => {
    const before = await counts();
    const res = await fetchWorker(path, { method: "POST", cookie: who === "anonymous" ? undefined : cookies[who], body: new URLSearchParams(bodies[path]!()) });
    if (who === "anonymous") {
      expect(res.status).toBe(302);
      expect(res.headers.get("Location")).toMatch(/^\/login\?redirectTo=/);
    } else expect(res.status).toBe(403);
    expect(await counts()).toEqual(before);
  });

  it("a Manager cannot archive or edit through the edit page", async () => {
    const r = await create(token, "/rewards/definitions", rewardBody());
    for (const intent of ["delete", "save"]) {
      const res = await fetchWorker(`/configuration/rewards/${r.id}`, { method: "POST", cookie: cookies.manager, body: new URLSearchParams({ intent, name: "Hacked", value: "1" }) });
      expect(res.status).toBe(403);
    }
    expect(await read(token, `/rewards/definitions/${r.id}`)).toMatchObject({ name: r.name, version: 1, archived_at: null });
    const page = await (await fetchWorker(`/configuration/rewards/${r.id}`, { cookie: cookies.manager })).text();
    expect(page).toContain('data-testid="read-only-notice"');
  });
});

describe("Admin forms", () => {
  it("creates every kind from the form the console posts", async () => {
    const benefit = await create(token, "/benefits/definitions", { name: `B ${uid()}`, max_redemptions: 1 });
    const cases: Array<[string, Record<string, string | string[]>]> = [
      ["/configuration/rewards/new", { name: `Form reward ${uid()}`, type: "birthday", value: "10.00", period: "30", notification_offsets: "7, 1", is_extendable: "true", is_published: "true" }],
      ["/configuration/points/new", { name: `Form points ${uid()}`, kind: "reward", points_per_dollar: "100", expiry_days: "365", pending_days: "", is_published: "true" }],
      ["/configuration/benefits/new", { name: `Form benefit ${uid()}`, max_redemptions: "3", period: "90", eligibility: '{"==": [{"var": "type"}, "active"]}', is_claimable: "true" }],
      ["/configuration/tiers/new", { name: `Form tier ${uid()}`, point_definition_id: tierPoints.id, value_min: String(2e8 + Math.floor(Math.random() * 1e8)), value_maintain: "10", is_floor: "true" }],
      ["/configuration/achievements/new", { name: `Form achievement ${uid()}`, "levels.kind": "thresholds", "levels.thresholds": "1, 5, 10", trigger: "transaction", visibility: "standard", "unlocks.0.level": "2", "unlocks.0.benefit_definition_id": benefit.id }],
      ["/configuration/points/rates/new", { name: `Form rate ${uid()}`, point_definition_id: tierPoints.id, multiplier: "1.5", days_of_week: ["sat", "sun"], "hours.from": "09:00", "hours.to": "17:00", is_active: "true" }],
    ];
    for (const [path, fields] of cases) {
      const body = new URLSearchParams();
      for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
      const res = await fetchWorker(path, { method: "POST", cookie: cookies.admin, body });
      expect(res.status, `${path}: ${await res.clone().text()}`).toBe(302);
      expect(res.headers.get("Location")).toMatch(/\?notice=created$/);
    }
  });

  it.each([
    ["/configuration/rewards/new", { name: "Bad", value: "-5" }, "value"],
    ["/configuration/points/new", { name: "Bad", kind: "tier", points_per_dollar: "100" }, "points_per_dollar"],
    ["/configuration/benefits/new", { name: "Bad", eligibility: "{not json" }, "eligibility"],
    ["/configuration/benefits/new", { name: "Bad", eligibility: '{"nope": 1}' }, "eligibility"],
    ["/configuration/points/rates/new", { name: "Bad", point_definition_id: "x", multiplier: "1.2345" }, "multiplier"],
    ["/configuration/achievements/new", { name: "Bad", "levels.kind": "thresholds", "levels.thresholds": "5, 1" }, "levels"],
  ])("shows the field error for %s %j, writing nothing", async (path, fields, field) => {
    const before = await counts();
    const { status, data } = await consoleAction(path, fields as Record<string, string>, { cookie: cookies.admin });
    expect(status).toBe(422);
    expect(Object.keys((data?.errors ?? {}) as object)).toContain(field);
    expect(await counts()).toEqual(before);
  });

  it("a tier form that breaks the ladder names value_min; a handle clash names handle", async () => {
    const tp = await create(token, "/points/definitions", tierPointsBody());
    const silver = await create(token, "/tiers/definitions", tierBody(tp.id, { value_min: 0, value_maintain: 0 }));
    const clash = await consoleAction("/configuration/tiers/new", { name: "Bronze", point_definition_id: tp.id, value_min: "0", value_maintain: "0" }, { cookie: cookies.admin });
    expect(clash.status).toBe(422);
    expect(Object.keys((clash.data?.errors ?? {}) as object)).toContain("value_min");
    const dup = await consoleAction("/configuration/tiers/new", { name: "Other", handle: silver.handle, point_definition_id: tp.id, value_min: "10", value_maintain: "0" }, { cookie: cookies.admin });
    expect(dup.status).toBe(409);
    expect(Object.keys((dup.data?.errors ?? {}) as object)).toContain("handle");
  });

  it("edits a definition into a new version, and archives it", async () => {
    const r = await create(token, "/rewards/definitions", rewardBody());
    const saved = await consoleAction(`/configuration/rewards/${r.id}`, { intent: "save", name: r.name, type: "spend", value: "15.00", period: "45", is_published: "true" }, { cookie: cookies.admin });
    expect(saved.status, saved.text).toBe(200);
    expect(await read(token, `/rewards/definitions/${r.id}`)).toMatchObject({ type: "spend", value: 15, period: 45, version: 2 });
    const archived = await fetchWorker(`/configuration/rewards/${r.id}`, { method: "POST", cookie: cookies.admin, body: new URLSearchParams({ intent: "delete" }) });
    expect(archived.status).toBe(302);
    // archived: a read by id answers 404 (Omneo's deleted definition); the archived list keeps it
    expect((await api(`/rewards/definitions/${r.id}`, { token })).status).toBe(404);
    const listed = (await (await api(`/rewards/definitions?filter[archived]=true&filter[handle]=${r.handle}`, { token })).json()) as { data: Def[] };
    expect(listed.data.map((d) => [d.id, d.archived_at === null])).toEqual([[r.id, false]]);
  });
});

describe("previews", () => {
  it("the rate calculator answers any reader from the service's calculation", async () => {
    const points = await create(token, "/points/definitions", pointBody());
    await create(token, "/rates", rateBody(points.id, { multiplier: 2 }));
    const { status, data } = await consoleAction(
      "/configuration/points",
      { intent: "calculate", "items.0.quantity": "2", "items.0.price_sell": "25.00", transacted_at: "2025-03-05T10:00" },
      { cookie: cookies.reporting },
    );
    expect(status).toBe(200);
    const results = (data?.results ?? []) as Array<{ point_definition_id: string; points: number; eligible_spend: number }>;
    expect(results.find((r) => r.point_definition_id === points.id)).toMatchObject({ points: 100, eligible_spend: 50 });
  });

  it("the tiers page draws each ladder by value_min", async () => {
    const tp = await create(token, "/points/definitions", tierPointsBody());
    await create(token, "/tiers/definitions", tierBody(tp.id, { name: "Zeta Gold", value_min: 500, value_maintain: 400 }));
    await create(token, "/tiers/definitions", tierBody(tp.id, { name: "Zeta Silver", value_min: 0, value_maintain: 0, is_floor: true }));
    const html = await (await fetchWorker("/configuration/tiers", { cookie: cookies.reporting })).text();
    const ladder = html.slice(html.indexOf(`data-point-definition="${tp.id}"`));
    expect(ladder.indexOf("Zeta Silver")).toBeGreaterThan(0);
    expect(ladder.indexOf("Zeta Silver")).toBeLessThan(ladder.indexOf("Zeta Gold"));
  });
});
