import type { Metadata } from "next";
import { connection } from "next/server";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Billing Console", template: "%s · Billing Console" },
  description: "See what you owe and why; manage how your resources are billed.",
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Rendered per request, so Next.js can put each request's CSP nonce on its scripts.
  await connection();
  return (
    <html lang="en">
      <body className="min-h-screen text-sm antialiased">{children}</body>
    </html>
  );
}
