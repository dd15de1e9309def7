import NextAuth from "next-auth";
import { authOptions } from "@/lib/data/auth-options";

const handler = NextAuth(authOptions);
export { handler as GET, handler as POST };
