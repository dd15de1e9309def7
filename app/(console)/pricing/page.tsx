import Link from "next/link";
import { TableFrame, Td, Th } from "@/components/table";
import { Card, PageHeader } from "@/components/ui";
import { getCatalogView } from "@/lib/data/catalog";
import { getTranslations } from "next-intl/server";
import type { Metadata } from "next";
import { BILLING_METHODS } from "@/db/schema";
import { getFormat } from "@/i18n/server";
import { getNames } from "@/app/(console)/catalog-names";
import { dec } from "@/lib/money";
import { pageCaller } from "../page-caller";

type SP = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined) => (typeof v === "string" && v ? v : undefined);

// The price catalog in the account's currency: what every bill line is rated
// with. Same data as GET /api/v1/catalog; the product and "current only" choice live in the URL.
export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("nav"))("pricing") };
}

export default async function PricingPage({ searchParams }: { searchParams: Promise<SP> }) {
  const sp = await searchParams;
  const productId = one(sp.productId);
  const current = one(sp.prices) === "current";
  const caller = await pageCaller();
  const [all, view] = await Promise.all([
    getCatalogView(caller, {}),
    getCatalogView(caller, { productId, prices: current ? "current" : "all" }),
  ]);
  const [t, tm, tn, f, n] = await Promise.all([getTranslations("pricing"), getTranslations("billingMethod"), getTranslations("nav"), getFormat(), getNames()]);
  const method = (m: string) => ((BILLING_METHODS as readonly string[]).includes(m) ? tm(m as (typeof BILLING_METHODS)[number]) : m);
  const groupName = new Map(view.regionGroups.map((g) => [g.id, n.regionGroup(g.id, g.name)]));
  const href = (changes: Record<string, string | undefined>) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries({ productId, prices: current ? "current" : undefined, ...changes })) if (v) q.set(k, v);
    return q.size ? `/pricing?${q}` : "/pricing";
  };
  return (
    <>
      <PageHeader title={tn("pricing")} />
      <p className="mb-4 text-sm text-muted">
        {t("intro", { currency: view.currency })}
      </p>
      <nav aria-label={t("products")} className="mb-4 flex flex-wrap gap-2 text-sm">
        <Link href={href({ productId: undefined })} aria-current={!productId ? "page" : undefined} className={`rounded border border-line px-2 py-1 ${!productId ? "bg-orange-50 font-semibold" : "bg-white"}`}>{t("allProducts")}</Link>
        {all.products.map((p) => (
          <Link key={p.id} href={href({ productId: p.id })} aria-current={productId === p.id ? "page" : undefined}
            className={`rounded border border-line px-2 py-1 ${productId === p.id ? "bg-orange-50 font-semibold" : "bg-white"}`}>{n.product(p.id, p.name)}</Link>
        ))}
        <Link href={href({ prices: current ? undefined : "current" })} className="ml-auto rounded border border-line bg-white px-2 py-1">
          {current ? t("showHistory") : t("onlyCurrent")}
        </Link>
      </nav>
      <div className="grid gap-4">
        {view.products.map((p) => (
          <Card key={p.id} title={n.product(p.id, p.name)}>
            <p className="mb-2 text-sm text-muted">
              {p.description} {t("billing", { methods: p.billingMethods.map(method).join(", ") })}
              {Object.keys(p.termDiscounts).length > 0 &&
                ` ${t("termDiscounts", { list: Object.entries(p.termDiscounts).map(([m, r]) => t("termDiscount", { months: Number(m), percent: f.percent(dec(r).toFixed()) })).join(", ") })}`}
            </p>
            <TableFrame label={n.product(p.id, p.name)} testId={`prices-${p.id}`} bare>
              <thead>
                <tr>
                  {(["colItem", "colRegionGroup", "colSpec", "colBilling", "colUnitPrice", "colUnit", "colTiers", "colInEffect"] as const).map((h) => (
                    <Th key={h} right={h === "colUnitPrice"}>{t(h)}</Th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {p.items.flatMap((it) =>
                  it.prices.length === 0
                    ? [
                        <tr key={it.id}>
                          <Td>{n.item(it.id, it.name)}</Td>
                          <td colSpan={7} className="border-b border-line px-3 py-2 text-muted">{it.rule === "package-quota" ? t("packageQuota", { unit: it.usageUnit ?? "" }) : t("noPrice")}</td>
                        </tr>,
                      ]
                    : it.prices.map((pr) => (
                        <tr key={pr.id} className={pr.inEffect ? "" : "text-muted"}>
                          <Td>{n.item(it.id, it.name)}</Td>
                          <Td>{pr.regionGroupId ? (groupName.get(pr.regionGroupId) ?? pr.regionGroupId) : t("anyRegion")}</Td>
                          <Td>{pr.spec ?? "—"}</Td>
                          <Td>{method(pr.billingMethod)}</Td>
                          <Td right>{f.rate(pr.unitPrice)}</Td>
                          <Td>{pr.priceUnit}</Td>
                          <Td>
                            {pr.tiers
                              ? pr.tiers.map((x, n) => (
                                  <span key={n} className="block">
                                    {x.upTo ? t("tierUpTo", { upTo: f.quantity(x.upTo), price: f.rate(x.unitPrice) }) : t("tierBeyond", { price: f.rate(x.unitPrice) })}
                                  </span>
                                ))
                              : "—"}
                          </Td>
                          <Td>{f.day(pr.effectiveFrom.slice(0, 10))} → {pr.effectiveTo ? f.day(pr.effectiveTo.slice(0, 10)) : t("open")}{pr.isDefault ? ` ${t("defaultFigure")}` : ""}</Td>
                        </tr>
                      )),
                )}
              </tbody>
            </TableFrame>
          </Card>
        ))}
      </div>
    </>
  );
}
