import { beforeAll, describe, expect, it, vi } from "vitest";

// The session a request carries; each test sets it.
const session = vi.hoisted(() => ({ current: null as null | { user: Record<string, unknown> } }));
vi.mock("next-auth", async (orig) => ({ ...(await orig<object>()), getServerSession: async () => session.current }));

import { authenticateCredentials, THROTTLE } from "@/lib/data/auth";
import { apiKeyCaller, OPERATOR } from "@/lib/data/caller";
import { sessionCaller } from "@/lib/data/session";
import { createAccount, createApiKey, createUser, revokeApiKey, setUserDisabled, setUserPassword } from "@/lib/data/operator";
import { TooManyRequestsError, UnauthenticatedError } from "@/lib/errors";
import { uniq, useTestDatabase } from "./db";

describe("sign-in and sessions", () => {
  useTestDatabase();
  let accountId: string;
  let email: string;

  beforeAll(async () => {
    accountId = (await createAccount(OPERATOR, { id: uniq("auth"), name: "Auth Co" })).id;
    email = `${uniq("ada")}@auth.test`;
    await createUser(OPERATOR, { accountId, email, name: "Ada", password: "correct-horse-1", role: "admin" });
  });

  it("accepts the right password and refuses a wrong one", async () => {
    const ok = await authenticateCredentials(email.toUpperCase(), "correct-horse-1", "10.0.0.1");
    expect(ok).toMatchObject({ accountId, role: "admin", sessionVersion: 1 });
    expect(await authenticateCredentials(email, "wrong-password", "10.0.0.1")).toBeNull();
    expect(await authenticateCredentials("nobody@auth.test", "whatever-123", "10.0.0.1")).toBeNull();
  });

  it("throttles failed sign-ins per e-mail, even with the right password afterwards", async () => {
    const victim = `${uniq("bob")}@auth.test`;
    await createUser(OPERATOR, { accountId, email: victim, name: "Bob", password: "bobs-password-1", role: "viewer" });
    for (let i = 0; i < THROTTLE.perEmail; i++) {
      expect(await authenticateCredentials(victim, `guess-${i}`, `10.1.0.${i}`)).toBeNull();
    }
    await expect(authenticateCredentials(victim, "bobs-password-1", "10.2.0.1")).rejects.toBeInstanceOf(TooManyRequestsError);
  });

  it("throttles failed sign-ins per IP across e-mails", async () => {
    const ip = `192.168.${Math.floor(Math.random() * 250)}.7`;
    for (let i = 0; i < THROTTLE.perIp; i++) await authenticateCredentials(`${uniq("x")}@auth.test`, "nope-nope-1", ip);
    await expect(authenticateCredentials(email, "correct-horse-1", ip)).rejects.toThrow(/Too many failed sign-ins/);
  });

  it("a changed password or a disabled user ends existing sessions", async () => {
    const user = await authenticateCredentials(email, "correct-horse-1", "10.9.9.9");
    session.current = { user: { userId: user!.userId, accountId, sessionVersion: user!.sessionVersion } };
    expect(await sessionCaller()).toMatchObject({ kind: "user", accountId, role: "admin" });

    await setUserPassword(OPERATOR, email, "battery-staple-2");
    expect(await sessionCaller()).toBeNull();

    const again = await authenticateCredentials(email, "battery-staple-2", "10.9.9.9");
    session.current = { user: { userId: again!.userId, accountId, sessionVersion: again!.sessionVersion } };
    expect(await sessionCaller()).not.toBeNull();
    await setUserDisabled(OPERATOR, email, true);
    expect(await sessionCaller()).toBeNull();
    expect(await authenticateCredentials(email, "battery-staple-2", "10.9.9.9")).toBeNull();
    await setUserDisabled(OPERATOR, email, false);
    session.current = null;
    expect(await sessionCaller()).toBeNull();
  });

  it("API keys: valid, malformed, unknown and revoked", async () => {
    const key = await createApiKey(OPERATOR, { accountId, name: "ci", role: "finance" });
    expect(key.key).toMatch(/^bk_/);
    await expect(apiKeyCaller(`Bearer ${key.key}`)).resolves.toMatchObject({ kind: "api-key", accountId, role: "finance" });
    await expect(apiKeyCaller(null)).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(apiKeyCaller(`Basic ${key.key}`)).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(apiKeyCaller(`Bearer ${key.key}x`)).rejects.toBeInstanceOf(UnauthenticatedError);
    await revokeApiKey(OPERATOR, accountId, key.id);
    await expect(apiKeyCaller(`Bearer ${key.key}`)).rejects.toThrow(/revoked/);
  });
});
