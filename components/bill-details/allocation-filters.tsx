// The cost allocation filters (tag key, tag value, resource group) of a GET
// filter form: each is a URL parameter like every other filter.
import { useTranslations } from "next-intl";
import { NO_GROUP, UNTAGGED } from "@/lib/tags";
import { MultiSelect, Select, one, type Params } from "./parts";

export interface TagChoices {
  keys: { key: string; values: string[] }[];
  resourceGroups: string[];
}

export function AllocationFilters({ params, choices }: { params: Params; choices: TagChoices }) {
  const t = useTranslations("tags");
  const key = one(params.tagKey);
  const values = choices.keys.find((k) => k.key === key)?.values ?? [];
  // A key from a shared URL that this cycle's lines do not carry still shows as chosen.
  const keys = key && !choices.keys.some((k) => k.key === key) ? [...choices.keys.map((k) => k.key), key] : choices.keys.map((k) => k.key);
  return (
    <>
      <Select name="tagKey" label={t("tagKey")} allLabel={t("anyTagKey")} value={key} options={keys.map((k) => [k, k])} />
      {key ? (
        <Select name="tagValue" label={t("tagValue")} allLabel={t("anyTagValue")} value={params.tagValue}
          options={[...values.map((v) => [v, v] as const), [UNTAGGED, t("untagged")] as const]} />
      ) : (
        <Select name="tagValue" label={t("tagValue")} allLabel={t("pickKeyFirst")} value={undefined} options={[]} />
      )}
      <MultiSelect name="resourceGroup" label={t("resourceGroup")} allLabel={t("allGroups")} value={params.resourceGroup}
        options={[...choices.resourceGroups.map((g) => [g, g] as const), [NO_GROUP, t("noGroup")] as const]} />
    </>
  );
}

/** "k=v, k2=v2" for a table cell; the untagged word when there are none. */
export function TagList({ tags }: { tags: Record<string, string> | null }) {
  const t = useTranslations("tags");
  const entries = Object.entries(tags ?? {});
  if (!entries.length) return <span className="text-muted">{t("untagged")}</span>;
  return (
    <span className="flex flex-wrap gap-1">
      {entries.map(([k, v]) => (
        <span key={k} className="rounded bg-surface px-1.5 py-0.5 text-xs">{v ? `${k}=${v}` : k}</span>
      ))}
    </span>
  );
}
