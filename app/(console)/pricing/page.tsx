import Link from "next/link";
import { Card, PageHeader } from "@/components/ui";
import { getCatalogView } from "@/lib/data/catalog";
import { BILLING_METHOD_LABELS } from "@/lib/format";
import { dec } from "@/lib/money";
import { pageCaller } from "../page-caller";

type SP = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined) => (typeof v === "string" && v ? v : undefined);

// The price catalog in the account's currency: what every bill line is rated
// with. Same data as GET /api/v1/catalog; the product and "current only" choice live in the URL.
export default async function PricingPage({ searchParams }: { searchParams: Promise<SP> }) {
  const sp = await searchParams;
  const productId = one(sp.productId);
  const current = one(sp.prices) === "current";
  const caller = await pageCaller();
  const [all, view] = await Promise.all([
    getCatalogView(caller, {}),
    getCatalogView(caller, { productId, prices: current ? "current" : "all" }),
  ]);
  const groupName = new Map(view.regionGroups.map((g) => [g.id, g.name]));
  const href = (changes: Record<string, string | undefined>) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries({ productId, prices: current ? "current" : undefined, ...changes })) if (v) q.set(k, v);
    return q.size ? `/pricing?${q}` : "/pricing";
  };
  return (
    <>
      <PageHeader title="Pricing" />
      <p className="mb-4 text-sm text-muted">
        Prices in {view.currency}. Unit prices keep 6 decimals; each charge is rounded to cents once. Every price has the dates it is in effect,
        so a bill can be checked on either side of a price change.
      </p>
      <nav aria-label="Products" className="mb-4 flex flex-wrap gap-2 text-sm">
        <Link href={href({ productId: undefined })} aria-current={!productId ? "page" : undefined} className={`rounded border border-line px-2 py-1 ${!productId ? "bg-orange-50 font-semibold" : "bg-white"}`}>All products</Link>
        {all.products.map((p) => (
          <Link key={p.id} href={href({ productId: p.id })} aria-current={productId === p.id ? "page" : undefined}
            className={`rounded border border-line px-2 py-1 ${productId === p.id ? "bg-orange-50 font-semibold" : "bg-white"}`}>{p.name}</Link>
        ))}
        <Link href={href({ prices: current ? undefined : "current" })} className="ml-auto rounded border border-line bg-white px-2 py-1">
          {current ? "Show price history" : "Only prices in effect now"}
        </Link>
      </nav>
      <div className="grid gap-4">
        {view.products.map((p) => (
          <Card key={p.id} title={p.name}>
            <p className="mb-2 text-sm text-muted">
              {p.description} Billing: {p.billingMethods.map((m) => BILLING_METHOD_LABELS[m] ?? m).join(", ")}.
              {Object.keys(p.termDiscounts).length > 0 && ` Term discounts: ${Object.entries(p.termDiscounts).map(([m, r]) => `${m} months −${dec(r).times(100).toFixed()}%`).join(", ")}.`}
            </p>
            <div className="overflow-x-auto">
              <table className="w-full text-sm" data-testid={`prices-${p.id}`}>
                <thead>
                  <tr className="text-left text-muted">
                    {["Billable item", "Region group", "Spec", "Billing", "Unit price", "Unit", "Tiers", "In effect"].map((h) => (
                      <th key={h} scope="col" className="border-b border-line px-2 py-1 font-medium">{h}</th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {p.items.flatMap((it) =>
                    it.prices.length === 0
                      ? [
                          <tr key={it.id}>
                            <td className="px-2 py-1">{it.name}</td>
                            <td colSpan={7} className="px-2 py-1 text-muted">{it.rule === "package-quota" ? `Not charged: counted against the package's quota (${it.usageUnit}s)` : "No price in this currency"}</td>
                          </tr>,
                        ]
                      : it.prices.map((pr) => (
                          <tr key={pr.id} className={pr.inEffect ? "" : "text-muted"}>
                            <td className="px-2 py-1">{it.name}</td>
                            <td className="px-2 py-1">{pr.regionGroupId ? (groupName.get(pr.regionGroupId) ?? pr.regionGroupId) : "Any region"}</td>
                            <td className="px-2 py-1">{pr.spec ?? "—"}</td>
                            <td className="px-2 py-1">{BILLING_METHOD_LABELS[pr.billingMethod] ?? pr.billingMethod}</td>
                            <td className="px-2 py-1 text-right tabular-nums">{pr.unitPrice}</td>
                            <td className="px-2 py-1">{pr.priceUnit}</td>
                            <td className="px-2 py-1">{pr.tiers ? pr.tiers.map((t) => `${t.upTo ? `≤ ${t.upTo}` : "beyond"}: ${t.unitPrice}`).join("; ") : "—"}</td>
                            <td className="px-2 py-1 whitespace-nowrap">{pr.effectiveFrom.slice(0, 10)} → {pr.effectiveTo ? pr.effectiveTo.slice(0, 10) : "open"}{pr.isDefault ? " (default figure)" : ""}</td>
                          </tr>
                        )),
                  )}
                </tbody>
              </table>
            </div>
          </Card>
        ))}
      </div>
    </>
  );
}
