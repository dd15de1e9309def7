"use client";
import { getSession, signIn } from "next-auth/react";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { SIGN_IN_ERRORS } from "@/lib/auth/codes";

/** `origin`: where sign-in is configured (NEXTAUTH_URL); named to the user if the session does not stick here. */
export function SignInForm({ callbackUrl, origin }: { callbackUrl: string; origin: string }) {
  const t = useTranslations("signin");
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    const result = await signIn("credentials", {
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      redirect: false,
    }).catch(() => undefined);
    if (!result || result.error) {
      setPending(false);
      const code = result?.error;
      setError(code === SIGN_IN_ERRORS.wrongCredentials ? t("wrongCredentials") : code === SIGN_IN_ERRORS.throttled ? t("throttled") : t("failed"));
      return;
    }
    // Accepted, but no session cookie on this address (e.g. cookies refused for it): say where to sign in
    // instead of bouncing back to this form without a word.
    if (!(await getSession().catch(() => null))?.user) {
      setPending(false);
      setError(t("otherAddress", { address: origin }));
      return;
    }
    window.location.assign(callbackUrl);
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" aria-describedby={error ? "signin-error" : undefined}>
      <label className="block">
        <span className="mb-1 block font-medium">{t("email")}</span>
        <input name="email" type="email" required autoComplete="username" autoFocus
          className="w-full rounded border border-line px-3 py-2" />
      </label>
      <label className="block">
        <span className="mb-1 block font-medium">{t("password")}</span>
        <input name="password" type="password" required autoComplete="current-password"
          className="w-full rounded border border-line px-3 py-2" />
      </label>
      {error && (
        <p id="signin-error" data-testid="signin-error" role="alert" className="rounded border border-red-200 bg-red-50 px-3 py-2 text-red-700">
          {error}
        </p>
      )}
      <button type="submit" disabled={pending}
        className="w-full rounded bg-brand px-3 py-2 font-semibold text-white hover:bg-brand-dark disabled:opacity-60">
        {pending ? t("submitting") : t("submit")}
      </button>
    </form>
  );
}
