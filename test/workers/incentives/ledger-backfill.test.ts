// History recorded past the ledger (an import, the seeded demo) earns through a backfill: per profile
// oldest first, each transaction once, as a queued job with progress; running it again changes nothing.
import { beforeAll, describe, expect, it } from "vitest";
import { transactionItems, transactions } from "../../../db/schema";
import { api, makeToken, services } from "../helpers";
import { balances, json, ledgerStub, makeProfile, pointsOf, pointsProgramme, uid } from "./ledger-support";

let token: string;
beforeAll(async () => {
  token = (await makeToken(["*"])).token;
});

/** A receipt written straight into D1, as the seed's bulk insert does: the ledger never saw it. */
async function importedReceipt(profileId: string, cents: number, daysAgo: number) {
  const id = crypto.randomUUID();
  const at = new Date(Date.now() - daysAgo * 86_400_000);
  const db = services().db;
  await db.insert(transactions).values({
    id,
    externalId: uid("IMP-"),
    requestHash: "imported",
    profileId,
    locationId: null,
    staffId: null,
    transactedAt: at,
    timezone: null,
    currency: "AUD",
    subtotal: cents,
    discount: 0,
    tax: 0,
    rounding: 0,
    total: cents,
    payments: null,
    redemptionId: null,
    originalExternalId: null,
    tags: null,
    meta: null,
    channel: "import",
    isVoid: false,
    voidedAt: null,
    voidReason: null,
    createdAt: at,
  });
  await db.insert(transactionItems).values({ id: crypto.randomUUID(), transactionId: id, position: 0, sku: null, name: "Imported", productId: null, quantity: 1, priceOriginal: null, priceCurrent: null, priceSell: cents, priceTax: null, discounts: null });
}

describe("backfill", () => {
  it("earns for a profile's imported history once, however often it runs", async () => {
    const { def } = await pointsProgramme(token);
    const profile = await makeProfile(token);
    await importedReceipt(profile.id, 4000, 30);
    await importedReceipt(profile.id, 2550, 3);
    expect(pointsOf(await balances(token, profile.id), def.id)).toBe(0);
    expect(await services().ledger.backfillProfile(profile.id)).toBe(2);
    expect(pointsOf(await balances(token, profile.id), def.id)).toBe(65);
    await services().ledger.backfillProfile(profile.id);
    expect(pointsOf(await balances(token, profile.id), def.id)).toBe(65);
  });

  it("dates backfilled points by their purchase: a lot past its expiry expires at once", async () => {
    const { def } = await pointsProgramme(token, { expiry_days: 365 });
    const profile = await makeProfile(token);
    await importedReceipt(profile.id, 5000, 400);
    await importedReceipt(profile.id, 700, 20);
    await services().ledger.backfillProfile(profile.id);
    expect(await ledgerStub(profile.id).tick()).toBe(true);
    expect(pointsOf(await balances(token, profile.id), def.id)).toBe(7);
    const lots = await json<Array<{ point_definition_id: string; status: string; earned_at: string }>>(await api(`/profiles/${profile.id}/points`, { token }), 200);
    const old = lots.find((l) => l.point_definition_id === def.id && l.status === "expired")!;
    expect(Date.now() - new Date(old.earned_at).getTime()).toBeGreaterThan(399 * 86_400_000);
  });

  it("runs as a queued job over every profile with transactions, with progress", async () => {
    const { def } = await pointsProgramme(token);
    const profile = await makeProfile(token);
    await importedReceipt(profile.id, 1200, 10);
    const started = await json<{ id: string; status: string; total: number }>(await api("/incentives/backfill", { method: "POST", token }), 202);
    expect(started.status).toBe("processing");
    expect(started.total).toBeGreaterThanOrEqual(1);
    let job = started;
    for (let i = 0; i < 300 && job.status !== "completed"; i++) {
      await new Promise((r) => setTimeout(r, 100));
      job = await json(await api(`/incentives/backfill/${started.id}`, { token }), 200);
    }
    expect(job).toMatchObject({ status: "completed", failed: 0 });
    expect(pointsOf(await balances(token, profile.id), def.id)).toBe(12);
    // only a token with every scope may start one
    const limited = (await makeToken(["incentives:write"])).token;
    expect((await api("/incentives/backfill", { method: "POST", token: limited })).status).toBe(403);
  }, 60_000);
});
