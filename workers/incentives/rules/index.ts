// The incentive engine's pure rules: earn rates, points lots, tiers, achievements, redemption, expiry,
// and the calendar and JSON Logic helpers they share. No I/O; services and the ledger DO call these.
export * from "./achievements";
export * from "./conditions";
export * from "./expiry";
export * from "./lots";
export * from "./rates";
export * from "./redemption";
export * from "./tiers";
// the calendar helpers the rules share live in platform/time (one implementation for every area)
export * from "../../platform/time";
