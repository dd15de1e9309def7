"use client";
// The admin's lifecycle panel: choose an action, see the quote (computed by the
// same code that charges), confirm. One idempotency key per quoted intent, so a
// double click or a retry returns the first result instead of charging twice.
import { useTranslations } from "next-intl";
import { useState, useTransition } from "react";
import { useFormat } from "@/i18n/format";
import { dec } from "@/lib/money";
import type { ActionResult } from "@/lib/action-result";
import type { QuoteStep } from "@/lib/data/lifecycle";
import { quoteStepText } from "./quote-steps";

type Result<T> = ActionResult<T>;
export interface QuoteView {
  orderType: string;
  payableAmount: string;
  originalAmount: string;
  discountAmount: string;
  paygFinalCharge: string | null;
  termStart: string;
  termEnd: string;
  steps: QuoteStep[];
}
interface Done {
  message: string;
  paid?: boolean;
  replayed?: boolean;
  order?: { orderNo: string; status: string } | null;
  ledgerEntry?: { id: string; type: string; amount: string } | null;
}
type Kind = "switch" | "renew" | "change-spec" | "unsubscribe";

export interface PanelInstance {
  id: string;
  billingMethod: string;
  status: string;
  spec: string | null;
  instanceCount: number;
  autoRenew: boolean;
  autoRenewMonths: number;
  canSwitch: boolean;
  canChangeSpec: boolean;
  specs: { id: string; name: string }[];
}

const DURATIONS = [1, 2, 3, 6, 12];

export function ActionsPanel({
  instance,
  currency,
  quote,
  confirm,
  saveAutoRenew,
}: {
  instance: PanelInstance;
  currency: string;
  quote: (id: string, input: Record<string, unknown>) => Promise<Result<QuoteView>>;
  confirm: (id: string, input: Record<string, unknown>, key: string) => Promise<Result<Done>>;
  saveAutoRenew: (id: string, input: Record<string, unknown>, key: string) => Promise<Result<Done>>;
}) {
  const t = useTranslations("lifecycle");
  const to = useTranslations("orderType");
  const f = useFormat();
  const stepText = (step: QuoteStep) => quoteStepText(step, { t: (k, v) => t(k as never, v as never), orderType: (k) => to(k as never), f });
  const formatMoney = (v: string, currency: string) => f.money(v, currency);
  const label = (k: Kind) => t(`kinds.${k}`);
  const [kind, setKind] = useState<Kind | null>(null);
  const [months, setMonths] = useState(1);
  const [autoRenew, setAutoRenew] = useState(false);
  const [spec, setSpec] = useState(instance.specs.find((s) => s.id !== instance.spec)?.id ?? "");
  const [shown, setShown] = useState<{ quote: QuoteView; key: string; input: Record<string, unknown> } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<Done | null>(null);
  const [pending, start] = useTransition();
  const [renewOn, setRenewOn] = useState(instance.autoRenew);
  const [renewMonths, setRenewMonths] = useState(instance.autoRenewMonths);

  const sub = instance.billingMethod === "subscription";
  const live = instance.status !== "released";
  const available: Kind[] = [
    ...(instance.canSwitch && !sub && live ? (["switch"] as const) : []),
    ...(sub && live ? (["renew"] as const) : []),
    ...(sub && live && instance.canChangeSpec ? (["change-spec"] as const) : []),
    ...(sub && live ? (["unsubscribe"] as const) : []),
  ];

  const inputOf = (k: Kind): Record<string, unknown> =>
    k === "switch" ? { action: k, months, autoRenew } : k === "renew" ? { action: k, months } : k === "change-spec" ? { action: k, spec } : { action: k };

  function choose(k: Kind) {
    setKind(k);
    setShown(null);
    setError(null);
    setDone(null);
  }

  function getQuote() {
    if (!kind) return;
    const input = inputOf(kind);
    setError(null);
    setDone(null);
    start(async () => {
      const r = await quote(instance.id, input);
      if (r.error !== undefined) {
        setShown(null);
        setError(r.error);
      } else setShown({ quote: r.ok, key: crypto.randomUUID(), input });
    });
  }

  function doConfirm() {
    if (!shown) return;
    start(async () => {
      const r = await confirm(instance.id, shown.input, shown.key);
      if (r.error !== undefined) setError(r.error);
      else {
        setDone(r.ok);
        setShown(null);
        setKind(null);
      }
    });
  }

  function doAutoRenew() {
    start(async () => {
      const r = await saveAutoRenew(instance.id, { enabled: renewOn, months: renewMonths }, crypto.randomUUID());
      if (r.error !== undefined) setError(r.error);
      else setDone(r.ok);
    });
  }

  const amount = shown ? shown.quote.payableAmount : "0";
  const refund = amount.startsWith("-");
  return (
    <div data-testid="lifecycle-panel" className="space-y-3">
      {available.length === 0 && <p className="text-muted">{t("noActions")}</p>}
      <div className="flex flex-wrap gap-2">
        {available.map((k) => (
          <button key={k} type="button" onClick={() => choose(k)} aria-pressed={kind === k}
            className={`rounded border px-3 py-1.5 ${kind === k ? "border-brand bg-orange-50 font-semibold" : "border-line hover:bg-surface"}`}>
            {label(k)}
          </button>
        ))}
      </div>

      {kind && (
        <div className="space-y-2 rounded border border-line p-3">
          {(kind === "switch" || kind === "renew") && (
            <label className="flex items-center gap-2">
              {t("duration")}
              <select aria-label={t("duration")} value={months} onChange={(e) => { setMonths(Number(e.target.value)); setShown(null); }} className="rounded border border-line px-2 py-1">
                {DURATIONS.map((m) => <option key={m} value={m}>{t("months", { count: m })}</option>)}
              </select>
            </label>
          )}
          {kind === "switch" && (
            <label className="flex items-center gap-2">
              <input type="checkbox" checked={autoRenew} onChange={(e) => { setAutoRenew(e.target.checked); setShown(null); }} /> {t("autoRenewAtExpiry")}
            </label>
          )}
          {kind === "change-spec" && (
            <label className="flex items-center gap-2">
              {t("newSpec")}
              <select aria-label={t("newSpec")} value={spec} onChange={(e) => { setSpec(e.target.value); setShown(null); }} className="rounded border border-line px-2 py-1">
                {instance.specs.filter((s) => s.id !== instance.spec).map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
              </select>
            </label>
          )}
          {kind === "unsubscribe" && <p className="text-muted">{t("unsubscribeNote", { count: instance.instanceCount })}</p>}
          <button type="button" onClick={getQuote} disabled={pending} className="rounded border border-line px-3 py-1.5 hover:bg-surface disabled:opacity-50">
            {t("getQuote")}
          </button>
        </div>
      )}

      {shown && (
        <div data-testid="quote" className="space-y-2 rounded border border-orange-200 bg-orange-50 p-3">
          <div className="font-semibold">
            {refund ? t("refundToBalance") : t("toPay")}:{" "}
            <span data-testid="quote-payable" className="tabular-nums">{formatMoney(refund ? amount.slice(1) : amount, currency)}</span>
          </div>
          {shown.quote.termEnd !== shown.quote.termStart && (
            <div className="text-sm">{t("term", { from: f.instant(new Date(shown.quote.termStart), "UTC"), to: f.instant(new Date(shown.quote.termEnd), "UTC") })}</div>
          )}
          <dl className="grid grid-cols-[auto_auto] justify-start gap-x-4 text-sm" data-testid="quote-breakdown">
            <dt className="text-muted">{t("quoteOriginal")}</dt><dd className="text-right tabular-nums">{formatMoney(shown.quote.originalAmount, currency)}</dd>
            {dec(shown.quote.discountAmount).gt(0) && <><dt className="text-muted">{t("quoteDiscount")}</dt><dd className="text-right tabular-nums">−{formatMoney(shown.quote.discountAmount, currency)}</dd></>}
            {shown.quote.paygFinalCharge && <><dt className="text-muted">{t("quotePaygFinal")}</dt><dd className="text-right tabular-nums">{formatMoney(shown.quote.paygFinalCharge, currency)}</dd></>}
          </dl>
          <p className="text-xs text-muted">{t("calculation")}</p>
          <ul className="list-disc pl-5 text-sm" data-testid="quote-steps">
            {shown.quote.steps.map((step, i) => <li key={i}>{stepText(step)}</li>)}
          </ul>
          <button type="button" onClick={doConfirm} disabled={pending} className="rounded bg-brand px-3 py-1.5 font-semibold text-white disabled:opacity-50">
            {t("confirm", { action: kind ? label(kind) : "" })}
          </button>
        </div>
      )}

      {error && <p role="alert" data-testid="action-error" className="rounded border border-red-200 bg-red-50 p-2 text-red-700">{error}</p>}
      {done && (
        <p role="status" data-testid="action-result" className={`rounded border p-2 ${done.paid === false ? "border-amber-200 bg-amber-50" : "border-green-200 bg-green-50"}`}>
          {done.message}
          {done.order && <> {t("orderLabel")} <span className="font-mono">{done.order.orderNo}</span> ({t(`orderStatus.${done.order.status === "paid" || done.order.status === "unpaid" ? done.order.status : "cancelled"}`)}).</>}
          {done.ledgerEntry && (
            <span data-testid="ledger-entry" className="block">
              {t("ledgerEntry")} <span className="font-mono">{done.ledgerEntry.id}</span>: {done.ledgerEntry.type === "refund" ? t("ledgerRefund") : done.ledgerEntry.type} {dec(done.ledgerEntry.amount).gt(0) ? "+" : ""}
              {formatMoney(done.ledgerEntry.amount, currency)}
            </span>
          )}
        </p>
      )}

      {sub && live && (
        <div className="flex flex-wrap items-center gap-2 border-t border-line pt-3">
          <label className="flex items-center gap-2">
            <input type="checkbox" checked={renewOn} onChange={(e) => setRenewOn(e.target.checked)} /> {t("autoRenewal")}
          </label>
          <select aria-label={t("autoRenewalDuration")} value={renewMonths} onChange={(e) => setRenewMonths(Number(e.target.value))} className="rounded border border-line px-2 py-1">
            {DURATIONS.map((m) => <option key={m} value={m}>{t("months", { count: m })}</option>)}
          </select>
          <button type="button" onClick={doAutoRenew} disabled={pending} className="rounded border border-line px-3 py-1.5 hover:bg-surface disabled:opacity-50">
            {t("saveAutoRenewal")}
          </button>
        </div>
      )}
    </div>
  );
}
