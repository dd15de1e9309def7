// next-auth (v4): credentials provider, JWT sessions. The token carries the
// user, account and session version; lib/data/caller checks them against the
// database on every request.
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { authenticateCredentials, endSessions } from "./auth";
import { TooManyRequestsError } from "@/lib/errors";
import { safeCallbackPath } from "@/lib/auth/callback-url";
import { clientAddress, peerAddressesRecorded } from "@/lib/auth/client-address";
import { SIGN_IN_ERRORS } from "@/lib/auth/codes";

let warned = false;
/** Without the start-up hook X-Forwarded-For is the client's own word: throttle per e-mail only. */
function signInAddress(forwardedFor: string | string[] | undefined): string | null {
  if (peerAddressesRecorded()) return clientAddress(forwardedFor);
  if (!warned) console.warn("Client addresses are not recorded (instrumentation did not run): sign-ins are throttled per e-mail only.");
  warned = true;
  return null;
}

export const authOptions: NextAuthOptions = {
  session: { strategy: "jwt", maxAge: 12 * 3600 },
  pages: { signIn: "/signin" },
  providers: [
    CredentialsProvider({
      name: "E-mail and password",
      credentials: { email: { label: "E-mail", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, req) {
        if (!credentials?.email || !credentials.password) return null;
        const ip = signInAddress(req?.headers?.["x-forwarded-for"]);
        // The thrown message reaches the sign-in form as its error code; the form words it.
        const user = await authenticateCredentials(credentials.email, credentials.password, ip).catch((e) => {
          throw e instanceof TooManyRequestsError ? new Error(SIGN_IN_ERRORS.throttled) : e;
        });
        if (!user) return null;
        return { id: user.userId, email: user.email, name: user.name, accountId: user.accountId, sessionVersion: user.sessionVersion };
      },
    }),
  ],
  events: {
    async signOut({ token }) {
      await endSessions(token ?? {});
    },
  },
  callbacks: {
    // next-auth's own redirects follow the same rule as the sign-in page.
    async redirect({ url, baseUrl }) {
      return new URL(safeCallbackPath(url, new URL(baseUrl).origin), baseUrl).toString();
    },
    async jwt({ token, user }) {
      if (user) {
        token.userId = user.id;
        token.accountId = user.accountId;
        token.sessionVersion = user.sessionVersion;
      }
      return token;
    },
    async session({ session, token }) {
      session.user = {
        ...session.user,
        userId: token.userId,
        accountId: token.accountId,
        sessionVersion: token.sessionVersion,
      };
      return session;
    },
  },
};
