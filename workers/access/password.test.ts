// Unit tests for password hashing. The iteration count is pinned: deployed Workers refuse PBKDF2 above
// 100,000 iterations (wrangler dev accepts more), so raising it would break every sign-in in production.
import { beforeAll, describe, expect, it } from "vitest";
import { fromBase64 } from "../platform/crypto";
import {
  hashPassword,
  needsRehash,
  parsePasswordHash,
  PASSWORD_SCHEME,
  PBKDF2_ITERATIONS,
  PBKDF2_MAX_ITERATIONS,
  verifyPassword,
} from "./password";

const B64 = "[A-Za-z0-9+/]+={0,2}";

describe("password hashing", () => {
  it("pins PBKDF2 at 100,000 iterations, never above the Workers limit", () => {
    expect(PBKDF2_ITERATIONS).toBe(100_000);
    expect(PBKDF2_MAX_ITERATIONS).toBe(100_000);
    expect(PBKDF2_ITERATIONS).toBeLessThanOrEqual(PBKDF2_MAX_ITERATIONS);
    expect(PASSWORD_SCHEME).toBe("pbkdf2-sha256");
  });

  describe("a stored hash", () => {
    // one 100k-iteration hash shared by the read-only checks below
    let stored: string;
    beforeAll(async () => {
      stored = await hashPassword("correct horse battery");
    });

    it('is "pbkdf2-sha256$100000$<salt>$<hash>" with a 16-byte salt and a 32-byte key', async () => {
      const s = stored;
      expect(s).toMatch(new RegExp(`^pbkdf2-sha256\\$100000\\$${B64}\\$${B64}$`));
      const [, , salt, hash] = s.split("$");
      expect(fromBase64(salt!)).toHaveLength(16);
      expect(fromBase64(hash!)).toHaveLength(32);
      expect(s).not.toContain("correct horse battery");
    });

    it("verifies the right password and rejects a wrong one", async () => {
      const s = stored;
      expect(await verifyPassword("correct horse battery", s)).toBe(true);
      expect(await verifyPassword("correct horse batterY", s)).toBe(false);
      expect(await verifyPassword("", s)).toBe(false);
    });

    it("does not need a rehash", async () => {
      expect(needsRehash(stored)).toBe(false);
    });

    it("parses back into its parts", async () => {
      const parsed = parsePasswordHash(stored);
      expect(parsed).toMatchObject({ scheme: "pbkdf2-sha256", iterations: 100_000 });
      expect(parsed?.salt).toHaveLength(16);
      expect(parsed?.hash).toHaveLength(32);
    });
  });

  it("salts every hash: the same password hashes differently twice", async () => {
    const [a, b] = await Promise.all([hashPassword("same password", 1_000), hashPassword("same password", 1_000)]);
    expect(a).not.toBe(b);
    expect(await verifyPassword("same password", a)).toBe(true);
    expect(await verifyPassword("same password", b)).toBe(true);
  });

  it.each([100_001, 200_000, 1_000_000])("refuses to hash with %i iterations", async (iterations) => {
    await expect(hashPassword("whatever", iterations)).rejects.toThrow(/exceed the Workers limit of 100000/);
  });

  it("asks for a rehash of a hash made with fewer iterations, and it still verifies", async () => {
    const weak = await hashPassword("old password", 1_000);
    expect(weak.startsWith("pbkdf2-sha256$1000$")).toBe(true);
    expect(needsRehash(weak)).toBe(true);
    expect(await verifyPassword("old password", weak)).toBe(true);
  });

  it.each([
    "",
    "plaintext",
    "bcrypt$100000$c2FsdA==$aGFzaA==",
    "pbkdf2-sha256$abc$c2FsdA==$aGFzaA==",
    "pbkdf2-sha256$0$c2FsdA==$aGFzaA==",
    "pbkdf2-sha256$100000$c2FsdA==",
  ])("treats %j as unusable: no parse, rehash needed, never verifies", async (stored) => {
    expect(parsePasswordHash(stored)).toBeNull();
    expect(needsRehash(stored)).toBe(true);
    expect(await verifyPassword("plaintext", stored)).toBe(false);
  });
});
