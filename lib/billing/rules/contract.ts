// The contract every rating rule module exports. The catalog names an item's
// rule; the engine gathers the rows the rule selects for that item and turns
// the drafts it returns into bill lines. A new product is a catalog change as
// long as its items use rules listed in ./index.ts.
import type Decimal from "decimal.js";
import type { BillingMethod, Currency, Instance } from "@/db/schema";
import type { CatalogItem, CatalogPrice, Rule } from "../catalog";
import type { Day } from "../cycle";
import type { Network } from "./egress-tiered";
import type { PeriodReason } from "./phone-period";

/** What the engine reads for a rule's items. */
export type Selection =
  | "instances" // the instances of the item's product (lifecycle-driven rules)
  | "daily-usage" // usage summed per (instance, local day, network)
  | "usage-instants" // usage summed per (instance, instant) (priced by its instant)
  | "usage-layers" // stored intervals united per (instance, item, layer digest) into disjoint stretches
  | "none"; // not rated from usage (subscriptions are rated per order; quotas are not charged)

export interface DailyUsage {
  inst: Instance;
  day: Day;
  network: Network | null;
  quantity: Decimal;
}
/** The records of one instance at one instant, summed. */
export interface UsageEvent {
  inst: Instance;
  /** One of the records' ids (they are unique per account, so it names this group alone). */
  id: string;
  at: Date;
  quantity: Decimal;
}
/**
 * One layer (digest) of an instance's item, its stored samples united in the
 * database: spans clipped at the rating instant, overlapping or touching ones
 * merged, instants cut to whole milliseconds.
 */
export interface UsageLayer {
  inst: Instance;
  digest: string;
  /** The largest size any sample gave, in bytes ("0" when none gave one). */
  bytes: string;
  /** Some sample's size is not a whole number ≥ 0. */
  badBytes: boolean;
  /** Some sample ends before it starts. */
  backwards: boolean;
  /** The disjoint stretches as epoch milliseconds: start, end, start, end, … (none when no sample holds time before the rating instant). */
  spans: readonly number[];
  /** Some sample runs past the rating instant (from before it): the stretch ending there is open. */
  open: boolean;
}
export interface RowsOf {
  instances: Instance;
  "daily-usage": DailyUsage;
  "usage-instants": UsageEvent;
  "usage-layers": UsageLayer;
  none: never;
}

export interface RuleCtx {
  tz: string;
  now: Date;
  currency: Currency;
  /** The item's pay-as-you-go price for the instance at `at` (throws PriceNotFoundError). */
  price(inst: Instance, item: CatalogItem, at: Date): CatalogPrice;
}

export interface LineDraft {
  inst: Instance;
  day: Day;
  /** Appended to the line id `${instance}|${item}|${day}` when a day has several lines. */
  keySuffix?: string;
  billingMethod: BillingMethod;
  quantity: Decimal;
  unitPrice: Decimal;
  /** Unrounded or rounded; the line stores it rounded once. */
  amount: Decimal;
  priceId: string | null;
  /** Defaults to the item's usage unit. */
  usageUnit?: string;
  /** The unit after the currency in the price unit; defaults to the item's usage unit. */
  priceUnit?: string;
  productDetail?: string;
}

/** A charge period behind a day line, settled on its own when due. */
export interface PeriodDraft {
  inst: Instance;
  /** The line it belongs to: its day and key suffix. */
  lineDay: Day;
  keySuffix?: string;
  start: Date;
  end: Date;
  dueAt: Date;
  reason: PeriodReason;
  chargedSeconds: number;
  instances: number;
  unitPrice: Decimal;
  amount: Decimal;
}

export interface RuleOutput {
  lines: LineDraft[];
  periods?: PeriodDraft[];
}

export interface RatingRule<S extends Selection = Selection> {
  rule: Rule;
  select: S;
  rate(ctx: RuleCtx, item: CatalogItem, rows: readonly RowsOf[S][]): RuleOutput;
  /**
   * What switching a running resource to subscription charges for the
   * pay-as-you-go time already used (quoted before the switch), or null.
   */
  switchCharge?(input: { anchorAt: Date; unitPrice: Decimal; instances: number; at: Date }): { amount: Decimal; quantity: Decimal } | null;
}

export const defineRule = <S extends Selection>(r: RatingRule<S>): RatingRule<S> => r;
