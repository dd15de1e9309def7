import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { LocaleSwitcher } from "@/components/locale-switcher";
import { SignInForm } from "@/components/sign-in-form";
import { safeCallbackPath } from "@/lib/auth/callback-url";
import { currentCaller } from "../current-caller";
import { setLocaleAction } from "../locale-actions";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("signin"))("title") };
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string }> }) {
  const { callbackUrl } = await searchParams;
  // Only same-site paths: never bounce a user to another origin after sign-in.
  const target = safeCallbackPath(callbackUrl);
  if (await currentCaller()) redirect(target);
  const t = await getTranslations("signin");
  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-4 p-4">
      <div className="w-full max-w-sm rounded-lg border border-line bg-white p-8 shadow-sm">
        <div className="mb-6">
          <div className="text-xs font-semibold uppercase tracking-wide text-brand-dark">{t("product")}</div>
          <h1 className="mt-1 text-xl font-semibold">{t("heading")}</h1>
        </div>
        <SignInForm callbackUrl={target} origin={new URL(process.env.NEXTAUTH_URL ?? "http://localhost:3000").origin} />
      </div>
      <LocaleSwitcher action={setLocaleAction} tone="light" />
    </main>
  );
}
