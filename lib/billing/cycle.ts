// Billing cycles and statistic days in the account's time zone (docs/billing-rules.md#time-and-billing-cycles).
// Instants are UTC `Date`s; a cycle is a calendar month and a day a calendar
// day *in the account's IANA zone*, so a day may last 23 or 25 hours across DST.
// Bounds are half-open: [start, end).
import { TZDate } from "@date-fns/tz";
import { addMonths as dfAddMonths } from "date-fns";

export const DEFAULT_TZ = "UTC";

/** "YYYY-MM" */
export type Cycle = string;
/** "YYYY-MM-DD" */
export type Day = string;

export interface Bounds {
  start: Date;
  end: Date;
}

const CYCLE_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;
const DAY_RE = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

const checkedZones = new Set<string>();

/** An unknown zone would silently give an Invalid Date: fail loudly instead. */
function checkTz(tz: string): string {
  if (!checkedZones.has(tz)) {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: tz });
    } catch {
      throw new RangeError(`unknown time zone: ${tz}`);
    }
    checkedZones.add(tz);
  }
  return tz;
}

function checkInstant(instant: Date): Date {
  if (Number.isNaN(instant.getTime())) throw new RangeError("invalid instant");
  return instant;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

function local(instant: Date, tz: string): TZDate {
  return new TZDate(checkInstant(instant).getTime(), checkTz(tz));
}

/** The cycle ("YYYY-MM") an instant belongs to in the account's zone. */
export function cycleOf(instant: Date, tz: string = DEFAULT_TZ): Cycle {
  const t = local(instant, tz);
  return `${pad(t.getFullYear(), 4)}-${pad(t.getMonth() + 1)}`;
}

/** The statistic day ("YYYY-MM-DD") an instant belongs to in the account's zone. */
export function dayOf(instant: Date, tz: string = DEFAULT_TZ): Day {
  // Since 1972 every zone's offset and transition instant is a multiple of 15
  // minutes, so all instants of a quarter hour share a day: rating asks for
  // the same quarters over and over, and the zone arithmetic is the costly part.
  const ms = checkInstant(instant).getTime();
  const cacheable = ms >= SINCE_1972;
  const key = cacheable ? `${Math.floor(ms / QUARTER_MS)}|${tz}` : "";
  const hit = cacheable ? dayOfCache.get(key) : undefined;
  if (hit) return hit;
  const t = local(instant, tz);
  const day = `${pad(t.getFullYear(), 4)}-${pad(t.getMonth() + 1)}-${pad(t.getDate())}`;
  if (cacheable) {
    if (dayOfCache.size >= 200_000) dayOfCache.clear();
    dayOfCache.set(key, day);
  }
  return day;
}
const QUARTER_MS = 15 * 60_000;
const SINCE_1972 = Date.UTC(1972, 0, 1);
const dayOfCache = new Map<string, Day>();

export function parseCycle(cycle: Cycle): { year: number; month: number } {
  const m = CYCLE_RE.exec(cycle);
  if (!m) throw new RangeError(`invalid billing cycle: ${cycle}`);
  return { year: Number(m[1]), month: Number(m[2]) };
}

export function parseDay(day: Day): { year: number; month: number; date: number } {
  const m = DAY_RE.exec(day);
  if (!m) throw new RangeError(`invalid day: ${day}`);
  const [year, month, date] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (date > daysInMonth(year, month)) throw new RangeError(`invalid day: ${day}`);
  return { year, month, date };
}

function daysInMonth(year: number, month: number): number {
  // Day 0 of the next month is the last day of this one (UTC: no zone involved).
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Days in the cycle's calendar month (28–31); independent of the zone. */
export function daysInCycle(cycle: Cycle): number {
  const { year, month } = parseCycle(cycle);
  return daysInMonth(year, month);
}

/** [start, end) of a cycle: local midnight of the 1st to local midnight of the next 1st. */
export function cycleBounds(cycle: Cycle, tz: string = DEFAULT_TZ): Bounds {
  const { year, month } = parseCycle(cycle);
  checkTz(tz);
  // TZDate months are 0-based; month overflow (12 → January next year) is normalised.
  return {
    start: new Date(new TZDate(year, month - 1, 1, tz).getTime()),
    end: new Date(new TZDate(year, month, 1, tz).getTime()),
  };
}

/** [start, end) of a statistic day in the account's zone. */
export function dayBounds(day: Day, tz: string = DEFAULT_TZ): Bounds {
  // Rating asks for the same few days once per record: zone arithmetic is the
  // costly part, so the instants are cached (fresh Dates are handed out).
  const key = `${day}|${tz}`;
  let ms = dayBoundsCache.get(key);
  if (!ms) {
    const { year, month, date } = parseDay(day);
    checkTz(tz);
    ms = [new TZDate(year, month - 1, date, tz).getTime(), new TZDate(year, month - 1, date + 1, tz).getTime()];
    if (dayBoundsCache.size >= 100_000) dayBoundsCache.clear();
    dayBoundsCache.set(key, ms);
  }
  return { start: new Date(ms[0]), end: new Date(ms[1]) };
}
const dayBoundsCache = new Map<string, [number, number]>();

/** The cycle after (n > 0) or before (n < 0) the given one. */
export function shiftCycle(cycle: Cycle, n: number): Cycle {
  const { year, month } = parseCycle(cycle);
  const index = year * 12 + (month - 1) + n;
  return `${pad(Math.floor(index / 12), 4)}-${pad((index % 12) + 1)}`;
}

/**
 * Subscription terms: the same local wall-clock time n months later, clamped to
 * the end of a shorter month (Jan 31 + 1 month = Feb 28/29). Always computed from
 * the original instant, so Jan 31 + 2 months is Mar 31, not Mar 28.
 */
export function addMonths(instant: Date, n: number, tz: string = DEFAULT_TZ): Date {
  if (!Number.isInteger(n)) throw new RangeError(`months must be an integer: ${n}`);
  return new Date(dfAddMonths(local(instant, tz), n).getTime());
}

/**
 * Whether the zone's offset is a whole number of hours throughout [start, end),
 * so that its local hours are whole UTC hours (not India's +5:30, Nepal's +5:45
 * or Lord Howe's half-hour DST). Offsets are checked once a day and at the end;
 * zones change offset at most twice a year.
 */
export function wholeHourOffsets(tz: string, { start, end }: Bounds): boolean {
  checkTz(tz);
  const last = end.getTime() - 1;
  for (let t = start.getTime(); ; t = Math.min(t + 86_400_000, last)) {
    if (new TZDate(t, tz).getTimezoneOffset() % 60 !== 0) return false;
    if (t >= last) return true;
  }
}

/** The id of the bill a line belongs to: one bill per cycle, product and billing method. */
export function billIdOf(cycle: Cycle, productId: string, billingMethod: string): string {
  return `bill-${cycle}-${productId}-${billingMethod}`;
}
