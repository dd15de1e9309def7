"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";

const LINKS = [
  { href: "/overview", label: "Overview" },
  { href: "/bill-details", label: "Bill Details" },
  { href: "/resources", label: "Resources" },
  { href: "/account", label: "Account" },
  { href: "/pricing", label: "Pricing" },
  { href: "/alerts", label: "Alerts" },
];

// Admins also get the audit log of lifecycle actions.
const ADMIN_LINKS = [
  { href: "/webhooks", label: "Webhooks" },
  { href: "/audit", label: "Audit log" },
];

export function SideNav({ admin = false }: { admin?: boolean }) {
  const pathname = usePathname();
  const links = admin ? [...LINKS, ...ADMIN_LINKS] : LINKS;
  return (
    <nav aria-label="Console" className="border-b border-line bg-white md:w-52 md:border-b-0 md:border-r">
      <ul className="flex gap-1 overflow-x-auto p-2 md:flex-col">
        {links.map((link) => {
          const active = pathname === link.href || pathname.startsWith(link.href + "/");
          return (
            <li key={link.href}>
              <Link href={link.href} aria-current={active ? "page" : undefined}
                className={`block whitespace-nowrap rounded px-3 py-2 ${active ? "bg-orange-50 font-semibold text-brand-dark" : "hover:bg-surface"}`}>
                {link.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
