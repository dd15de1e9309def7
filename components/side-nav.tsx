"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useTranslations } from "next-intl";

const LINKS = [
  { href: "/overview", label: "overview" },
  { href: "/bill-details", label: "billDetails" },
  { href: "/resources", label: "resources" },
  { href: "/account", label: "account" },
  { href: "/pricing", label: "pricing" },
  { href: "/alerts", label: "alerts" },
] as const;

// Admins also get the webhooks and the audit log of lifecycle actions.
const ADMIN_LINKS = [
  { href: "/webhooks", label: "webhooks" },
  { href: "/audit", label: "audit" },
] as const;

export function SideNav({ admin = false }: { admin?: boolean }) {
  const t = useTranslations("nav");
  const pathname = usePathname();
  const links = admin ? [...LINKS, ...ADMIN_LINKS] : LINKS;
  return (
    <nav aria-label={t("label")} className="border-b border-line bg-white md:w-52 md:border-b-0 md:border-r">
      <ul className="flex flex-wrap gap-1 p-2 md:flex-col md:flex-nowrap">
        {links.map((link) => {
          const active = pathname === link.href || pathname.startsWith(link.href + "/");
          return (
            <li key={link.href}>
              <Link href={link.href} aria-current={active ? "page" : undefined}
                className={`block whitespace-nowrap rounded px-3 py-2 ${active ? "bg-orange-50 font-semibold text-brand-dark" : "hover:bg-surface"}`}>
                {t(link.label)}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
