import { getTranslations } from "next-intl/server";
import {
  ExportLink, Field, FilterForm, MultiSelect, Notice, Pager, Select, TableFrame, Td, Th, Toolbar, hrefWith, inputClass, many,
} from "@/components/bill-details/parts";
import { getFormat } from "@/i18n/server";
import { getNames } from "@/app/(console)/catalog-names";
import { filterChoices } from "@/lib/data/views/facets";
import { listUsage } from "@/lib/data/views/usage";
import { attempt, clean, param, type TabProps } from "./tab-context";

const PAGE = 50;

export async function UsageTab({ caller, params, cycles, locale }: TabProps) {
  const input = clean(params, ["tab"]);
  const [result, choices, t, f, n] = await Promise.all([
    attempt(() => listUsage(caller, { ...input, limit: String(PAGE) })), filterChoices(caller), getTranslations("usage"), getFormat(), getNames(),
  ]);
  const products = many(params.productId);
  const items = choices.items.filter((i) => products.length === 0 || products.includes(i.productId));
  const pageNo = Number(param(params, "page") ?? 1) || 1;
  const base = "/bill-details";
  const unit = (u: string) => (u === "hour" || u === "day" || u === "month" ? t(`unit.${u}`) : u);
  return (
    <>
      <FilterForm tab="usage">
        <Select name="billingCycle" label={t("cycle")} value={params.billingCycle} options={cycles.map((c) => [c, c])} />
        <MultiSelect name="productId" label={t("product")} allLabel={t("allProducts")} value={params.productId} options={choices.products.map((p) => [p.id, n.product(p.id, p.name)])} />
        <MultiSelect name="itemId" label={t("item")} allLabel={t("allItems")} value={params.itemId} options={items.map((i) => [i.id, `${n.item(i.id, i.name)} (${i.unit})`])} />
        <Field label={t("from")}>
          <input type="date" name="from" defaultValue={param(params, "from") ?? ""} className={inputClass} />
        </Field>
        <Field label={t("to")}>
          <input type="date" name="to" defaultValue={param(params, "to") ?? ""} className={inputClass} />
        </Field>
        <Select name="unit" label={t("timeUnit")} value={param(params, "unit") ?? "day"} options={[["hour", t("unit.hour")], ["day", t("unit.day")], ["month", t("unit.month")]]} />
      </FilterForm>
      {result.error !== undefined ? (
        <Notice kind="error">{result.error}</Notice>
      ) : (
        <>
          <Toolbar>
            <span className="text-sm text-muted">{t("context", { unit: unit(result.data.query.unit), timeZone: result.data.timeZone })}</span>
            <ExportLink href={hrefWith(`${base}/export`, clean(params, ["page"]), { headers: locale })} />
          </Toolbar>
          {result.data.totalCount === 0 ? (
            <Notice kind="empty">{t("empty")}</Notice>
          ) : (
            <TableFrame label={t("tableLabel")} testId="usage-table">
              <thead>
                <tr><Th>{t("time")}</Th><Th>{t("product")}</Th><Th>{t("instance")}</Th><Th>{t("item")}</Th><Th right>{t("usage")}</Th><Th>{t("unitColumn")}</Th><Th right>{t("records")}</Th></tr>
              </thead>
              <tbody>
                {result.data.data.map((r) => (
                  <tr key={`${r.bucket}|${r.instanceId}|${r.itemId}`} className="hover:bg-surface">
                    <Td>{r.bucket}</Td>
                    <Td>{r.productId ? n.product(r.productId, r.productName) : "—"}</Td>
                    <Td>{r.instanceId}{r.instanceName ? <span className="text-muted"> · {r.instanceName}</span> : null}</Td>
                    <Td>{n.item(r.itemId, r.itemName)}</Td>
                    <Td right>{f.quantity(r.quantity)}</Td>
                    <Td>{r.unit ?? "—"}</Td>
                    <Td right>{f.count(r.records)}</Td>
                  </tr>
                ))}
              </tbody>
            </TableFrame>
          )}
          <Pager shown={result.data.data.length} total={result.data.totalCount} from={(pageNo - 1) * PAGE + 1}
            first={pageNo > 1 ? hrefWith(base, params, { page: undefined }) : undefined}
            next={pageNo * PAGE < result.data.totalCount ? hrefWith(base, params, { page: String(pageNo + 1) }) : null} />
        </>
      )}
    </>
  );
}
