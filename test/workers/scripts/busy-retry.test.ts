// scripts/lib/busy-retry.ts: `npm run token` retries a step that met SQLITE_BUSY (the worker's start-up
// backfill writing the same local D1), with bounded backoff, and nothing else.
import { describe, expect, it } from "vitest";
import { isBusy, retryOnBusy } from "../../../scripts/lib/busy-retry";

const busy = () => new Error("Failed query: insert into api_tokens ...", { cause: new Error("D1_ERROR: database is locked: SQLITE_BUSY") });

describe("retryOnBusy", () => {
  it("recognises SQLITE_BUSY anywhere in the cause chain, and nothing else", () => {
    expect(isBusy(busy())).toBe(true);
    expect(isBusy(new Error("SQLITE_BUSY"))).toBe(true);
    // how getPlatformProxy's local D1 reports it to JavaScript (the SQLITE_BUSY itself only reaches workerd's stderr)
    expect(isBusy(new Error("Failed query: select ...", { cause: new Error("D1_ERROR: Failed to parse body as JSON, got: Error: internal error; reference = je9t8npoes4madhhdo1bu3vh") }))).toBe(true);
    expect(isBusy(new Error("UNIQUE constraint failed: users.email"))).toBe(false);
    expect(isBusy(null)).toBe(false);
  });

  it("retries a busy step with doubling, capped waits until it succeeds", async () => {
    const waits: number[] = [];
    let calls = 0;
    const result = await retryOnBusy(
      async () => {
        calls++;
        if (calls < 5) throw busy();
        return "token";
      },
      { baseDelayMs: 100, maxDelayMs: 500, sleep: async (ms) => void waits.push(ms) },
    );
    expect(result).toBe("token");
    expect(calls).toBe(5);
    expect(waits).toEqual([100, 200, 400, 500]);
  });

  it("gives up after the last attempt with the busy error, and never retries another error", async () => {
    let calls = 0;
    const sleep = async () => undefined;
    await expect(retryOnBusy(async () => { calls++; throw busy(); }, { attempts: 3, sleep })).rejects.toThrow(/Failed query/);
    expect(calls).toBe(3);
    calls = 0;
    await expect(retryOnBusy(async () => { calls++; throw new Error("no such user"); }, { sleep })).rejects.toThrow("no such user");
    expect(calls).toBe(1);
  });
});
