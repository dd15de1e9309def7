"use client";
import { signOut } from "next-auth/react";
import { useTranslations } from "next-intl";

export function SignOutButton() {
  const t = useTranslations("shell");
  return (
    <button type="button" onClick={() => signOut({ callbackUrl: "/signin" })}
      className="rounded border border-white/30 px-2 py-1 text-xs hover:bg-white/10">
      {t("signOut")}
    </button>
  );
}
