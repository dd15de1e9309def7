// Sign-in hardening: the throttle keys on the address the server saw, not on
// what the client writes in X-Forwarded-For; unknown e-mails cost an argon2
// verification like known ones.
import { beforeAll, describe, expect, it, vi } from "vitest";

const verified = vi.hoisted(() => ({ hashes: [] as string[] }));
vi.mock("@/lib/auth/password", async (orig) => {
  const real = await orig<typeof import("@/lib/auth/password")>();
  return {
    ...real,
    verifyPassword: async (hash: string, password: string) => {
      verified.hashes.push(hash);
      return real.verifyPassword(hash, password);
    },
  };
});

import { SIGN_IN_ERRORS } from "@/lib/auth/codes";
import { authOptions } from "@/lib/data/auth-options";
import { appendPeerAddress, clientAddress, recordPeerAddresses } from "@/lib/auth/client-address";
import { THROTTLE } from "@/lib/data/auth";
import { OPERATOR } from "@/lib/data/caller";
import { createAccount, createUser, setUserDisabled } from "@/lib/data/operator";
import { uniq, useTestDatabase } from "./db";

type Authorize = (c: Record<string, string>, req: { headers: Record<string, string> }) => Promise<unknown>;
const authorize = (authOptions.providers[0] as unknown as { options: { authorize: Authorize } }).options.authorize;

/** What the server hands next-auth: the client's header with the socket's address appended. */
function seenFrom(peer: string, clientHeader?: string) {
  const headers: Record<string, string> = clientHeader ? { "x-forwarded-for": clientHeader } : {};
  appendPeerAddress(headers, peer);
  return { headers };
}

describe("sign-in throttling and timing", () => {
  useTestDatabase();
  let accountId: string;
  let email: string;
  const password = "correct-horse-7";

  beforeAll(async () => {
    recordPeerAddresses();
    accountId = (await createAccount(OPERATOR, { id: uniq("sec"), name: "Sec Co" })).id;
    email = `${uniq("amy")}@sec.test`;
    await createUser(OPERATOR, { accountId, email, name: "Amy", password, role: "admin" });
  });

  it("takes the right-most untrusted X-Forwarded-For entry", () => {
    expect(clientAddress("1.1.1.1, 2.2.2.2, ::ffff:10.0.0.9", 0)).toBe("10.0.0.9");
    expect(clientAddress("1.1.1.1, 2.2.2.2, 10.0.0.9", 1)).toBe("2.2.2.2");
    expect(clientAddress("2.2.2.2, 10.0.0.9", 5)).toBe("2.2.2.2");
    expect(clientAddress(undefined, 0)).toBeNull();
  });

  it("a client that writes a new X-Forwarded-For per try is still throttled by its address", async () => {
    const peer = `10.77.${Math.floor(Math.random() * 250)}.1`;
    for (let i = 0; i < THROTTLE.perIp; i++) {
      const result = await authorize({ email: `${uniq("g")}@sec.test`, password: "wrong-guess-1" }, seenFrom(peer, `203.0.113.${i}`));
      expect(result).toBeNull();
    }
    await expect(authorize({ email, password }, seenFrom(peer, "198.51.100.1"))).rejects.toThrow(SIGN_IN_ERRORS.throttled);
  });

  it("clients at different addresses do not share one bucket", async () => {
    const noisy = `10.78.${Math.floor(Math.random() * 250)}.1`;
    for (let i = 0; i < THROTTLE.perIp; i++) await authorize({ email: `${uniq("n")}@sec.test`, password: "wrong-guess-1" }, seenFrom(noisy));
    await expect(authorize({ email, password }, seenFrom(noisy))).rejects.toThrow(SIGN_IN_ERRORS.throttled);
    await expect(authorize({ email, password }, seenFrom(`10.79.0.1`))).resolves.toMatchObject({ email });
  });

  it("an unknown or disabled e-mail is verified against a hash like a real one", async () => {
    const params = (hash: string) => hash.split("$").slice(1, 4).join("$"); // argon2id, version, m/t/p
    verified.hashes.length = 0;
    await authorize({ email, password }, seenFrom("10.80.0.1"));
    const real = verified.hashes[0];
    expect(real).toMatch(/^\$argon2id\$/);

    verified.hashes.length = 0;
    expect(await authorize({ email: `${uniq("ghost")}@sec.test`, password }, seenFrom("10.80.0.2"))).toBeNull();
    expect(verified.hashes).toHaveLength(1);
    expect(params(verified.hashes[0])).toBe(params(real));

    await setUserDisabled(OPERATOR, email, true);
    verified.hashes.length = 0;
    expect(await authorize({ email, password }, seenFrom("10.80.0.3"))).toBeNull();
    expect(verified.hashes).toEqual([real]);
    await setUserDisabled(OPERATOR, email, false);
  });
});
