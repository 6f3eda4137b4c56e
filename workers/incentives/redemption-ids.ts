// Redemption ids carry their profile, so POST /redemptions/{id}/reversal finds the profile's ledger DO
// without a lookup: "rd_" + the profile id's 32 hex digits + 12 random hex digits.
export function redemptionId(profileId: string): string {
  return `rd_${profileId.replace(/-/g, "")}${crypto.randomUUID().replace(/-/g, "").slice(0, 12)}`;
}

export function profileOfRedemption(id: string): string | null {
  const m = /^rd_([0-9a-f]{32})[0-9a-f]{12}$/.exec(id);
  if (!m) return null;
  const h = m[1]!;
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
