"use client";
// Signs out, then to sign-in on this same address (next-auth would send us to NEXTAUTH_URL's host).
import { signOut } from "next-auth/react";
import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";

export function SignOutButton() {
  const t = useTranslations("shell");
  const router = useRouter();
  return (
    <button type="button"
      onClick={() => signOut({ redirect: false }).then(() => { router.replace("/signin"); router.refresh(); })}
      className="rounded border border-white/30 px-2 py-1 text-xs hover:bg-white/10">
      {t("signOut")}
    </button>
  );
}
