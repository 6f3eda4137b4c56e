// The worker the workers lane runs (vitest.config.ts `main`): the production entry, with the ledger's
// Durable Object class swapped for its test subclass under the same export name, so wrangler.toml's
// PROFILE_LEDGER binding reaches the seams.
export * from "../../workers/app";
export { default } from "../../workers/app";
export { TestProfileLedger as ProfileLedger } from "./test-profile-ledger";
