import "next-auth";
import "next-auth/jwt";

declare module "next-auth" {
  interface User {
    accountId: string;
    sessionVersion: number;
  }
  interface Session {
    user: { name?: string | null; email?: string | null; userId: string; accountId: string; sessionVersion: number };
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    userId: string;
    accountId: string;
    sessionVersion: number;
  }
}
