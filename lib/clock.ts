// The one clock. Production reads real time; tests and the CLI fix it; with
// BILLING_TEST_CLOCK=1 each account has its own clock stored with the account.
export interface Clock {
  now(): Date;
}

export const realClock: Clock = { now: () => new Date() };

export function fixedClock(at: Date | string): Clock {
  const t = new Date(at);
  return { now: () => new Date(t) };
}

let current: Clock = realClock;

/** The process clock: real unless a test or the CLI fixed it. */
export function systemNow(): Date {
  return current.now();
}

export function setSystemClock(clock: Clock): void {
  current = clock;
}

export function testClocksEnabled(): boolean {
  return process.env.BILLING_TEST_CLOCK === "1";
}

/** What time it is for an account: its test clock when enabled and set. */
export function accountNow(account: { testClockNow: Date | null }): Date {
  if (testClocksEnabled() && account.testClockNow) return new Date(account.testClockNow);
  return systemNow();
}
