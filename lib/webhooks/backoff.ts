// Retry schedule: 30 s doubling per failed attempt, capped at 2 h between
// tries; a delivery still failing 24 h after it was created gives up.
export const RETRY_WINDOW_MS = 24 * 3_600_000;
const FIRST_MS = 30_000;
const CAP_MS = 2 * 3_600_000;

/** When to try again after `attempts` failures, or null when the 24 h window is over. */
export function nextAttemptAt(attempts: number, createdAt: Date, now: Date): Date | null {
  const wait = Math.min(FIRST_MS * 2 ** Math.max(0, attempts - 1), CAP_MS);
  const next = new Date(now.getTime() + wait);
  return next.getTime() - createdAt.getTime() > RETRY_WINDOW_MS ? null : next;
}
