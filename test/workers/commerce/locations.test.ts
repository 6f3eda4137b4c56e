// /locations: CRUD with validation (time zone, opening hours, unique handle and external id), audit,
// the refusal to delete a location transactions name, completing a placeholder, and scopes.
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, locations } from "../../../db/schema";
import { api, countRows, makeToken, problem } from "../helpers";
import { body, postTx, simpleReceipt, uid } from "./support";

type Loc = Record<string, unknown> & { id: string; handle: string; name: string };

async function createLocation(token: string, json: Record<string, unknown>): Promise<Loc> {
  const res = await api("/locations", { method: "POST", token, json });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await body<{ data: Loc }>(res)).data;
}

describe("/locations", () => {
  it("creates, reads, lists, updates and deletes a location, auditing each change", async () => {
    const { token } = await makeToken(["config:read", "config:write"]);
    const name = `Bondi Beach ${uid()}`;
    const ext = uid("STORE-");
    const created = await createLocation(token, {
      name,
      type: "store",
      external_id: ext,
      timezone: "australia/sydney",
      address: { address_line_1: "1 Campbell Pde", city: "Bondi", state: "NSW", postcode: "2026", country: "au" },
      opening_hours: { sun: [["10:00", "16:00"]], mon: [["13:00", "17:00"], ["09:00", "12:00"]] },
      phone: "+61 2 9000 0000",
      email: "bondi@example.test",
    });
    expect(created).toMatchObject({
      name,
      handle: name.toLowerCase().replaceAll(" ", "-"),
      type: "store",
      external_id: ext,
      timezone: "Australia/Sydney",
      address: { address_line_1: "1 Campbell Pde", city: "Bondi", state: "NSW", postcode: "2026", country: "AU" },
      opening_hours: { mon: [["09:00", "12:00"], ["13:00", "17:00"]], sun: [["10:00", "16:00"]] },
      is_published: true,
      is_placeholder: false,
    });

    const read = await api(`/locations/${created.id}`, { token });
    expect((await body<{ data: Loc }>(read)).data).toEqual(created);

    const listed = await api(`/locations?search=${encodeURIComponent(name.slice(0, 12).toUpperCase())}&filter[type]=store`, { token });
    expect((await body<{ data: Loc[] }>(listed)).data.map((l) => l.id)).toContain(created.id);
    const otherType = await api(`/locations?search=${encodeURIComponent(name)}&filter[type]=online`, { token });
    expect((await body<{ data: Loc[]; meta: { total: number } }>(otherType)).meta.total).toBe(0);

    const upd = await api(`/locations/${created.id}`, { method: "PUT", token, json: { type: "popup", is_published: false, opening_hours: null } });
    expect(upd.status).toBe(200);
    expect((await body<{ data: Loc }>(upd)).data).toMatchObject({ name, type: "popup", is_published: false, opening_hours: null, external_id: ext });

    const del = await api(`/locations/${created.id}`, { method: "DELETE", token });
    expect(del.status).toBe(204);
    expect((await api(`/locations/${created.id}`, { token })).status).toBe(404);

    for (const action of ["location.created", "location.updated", "location.deleted"]) {
      expect(await countRows(auditLog, and(eq(auditLog.action, action), eq(auditLog.entityId, created.id))), action).toBe(1);
    }
  });

  it("derives unique handles and keeps handles and external ids unique", async () => {
    const { token } = await makeToken(["config:read", "config:write"]);
    const name = `Café Sydney ${uid()}`;
    const a = await createLocation(token, { name });
    const b = await createLocation(token, { name });
    expect(a.handle).toMatch(/^cafe-sydney-/);
    expect(b.handle).toBe(`${a.handle}-2`);

    const clash = await api("/locations", { method: "POST", token, json: { name: "Other", handle: a.handle } });
    expect(clash.status).toBe(422);
    expect((await problem(clash)).errors).toHaveProperty("handle");

    const ext = uid("EXT-");
    await createLocation(token, { name: "Has ext", external_id: ext });
    const dupExt = await api("/locations", { method: "POST", token, json: { name: "Also ext", external_id: ext } });
    expect(dupExt.status).toBe(422);
    expect((await problem(dupExt)).errors).toHaveProperty("external_id");
    const dupOnUpdate = await api(`/locations/${a.id}`, { method: "PUT", token, json: { external_id: ext } });
    expect(dupOnUpdate.status).toBe(422);
  });

  it.each([
    ["an unknown time zone", { timezone: "Mars/Base" }, "timezone"],
    ["an offset instead of a zone", { timezone: "+10:00" }, "timezone"],
    ["close before open", { opening_hours: { mon: [["17:00", "09:00"]] } }, "opening_hours.mon.0"],
    ["a bad time", { opening_hours: { tue: [["9am", "5pm"]] } }, "opening_hours.tue.0"],
    ["an unknown day", { opening_hours: { funday: [["09:00", "17:00"]] } }, "opening_hours.funday"],
    ["opening hours of the wrong shape", { opening_hours: "9 to 5" }, "opening_hours"],
    ["an unknown type", { type: "kiosk" }, "type"],
    ["no name", { name: "" }, "name"],
    ["a bad email", { email: "not-an-email" }, "email"],
    ["a bad handle", { handle: "no spaces please" }, "handle"],
  ])("refuses %s with a 422 naming the field and writes nothing", async (_n, overrides, field) => {
    const { token } = await makeToken(["config:write"]);
    const before = await countRows(locations);
    const res = await api("/locations", { method: "POST", token, json: { name: `Somewhere ${uid()}`, ...overrides } });
    expect(res.status).toBe(422);
    expect(Object.keys((await problem(res)).errors ?? {})).toContain(field);
    expect(await countRows(locations)).toBe(before);
  });

  it("refuses to delete a location that transactions name (409), and completes a placeholder on edit", async () => {
    const { token } = await makeToken(["*"]);
    const ext = uid("PH-");
    const { data } = await postTx(token, simpleReceipt(10, { location_id: ext }), 201);
    const del = await api(`/locations/${data.location_id}`, { method: "DELETE", token });
    expect(del.status).toBe(409);
    expect((await problem(del)).detail).toContain("1 transaction");
    expect(await countRows(locations, eq(locations.id, data.location_id!))).toBe(1);

    const upd = await api(`/locations/${data.location_id}`, { method: "PUT", token, json: { name: "Pop-up Paddington", timezone: "Australia/Sydney", is_published: true } });
    expect(upd.status).toBe(200);
    expect((await body<{ data: Loc }>(upd)).data).toMatchObject({ name: "Pop-up Paddington", is_placeholder: false, external_id: ext, timezone: "Australia/Sydney" });
  });

  it("needs config:read to read and config:write to write", async () => {
    const reader = await makeToken(["config:read"]);
    expect((await api("/locations", { token: reader.token })).status).toBe(200);
    expect((await api("/locations", { method: "POST", token: reader.token, json: { name: "X" } })).status).toBe(403);
    const other = await makeToken(["transactions:read", "profiles:write"]);
    expect((await api("/locations", { token: other.token })).status).toBe(403);
    expect((await api(`/locations/${crypto.randomUUID()}`, { method: "DELETE", token: reader.token })).status).toBe(403);
  });
});
