import Link from "next/link";
import { useTranslations } from "next-intl";

export default function ResourceNotFound() {
  const t = useTranslations("resource");
  return (
    <div className="rounded-lg border border-line bg-white p-8 text-center" data-testid="not-found">
      <h1 className="text-lg font-semibold">{t("notFoundTitle")}</h1>
      <p className="mt-2 text-muted">{t("notFoundText")}</p>
      <Link href="/resources" className="mt-4 inline-block text-blue-700 hover:underline">{t("backToResources")}</Link>
    </div>
  );
}
