import type { Metadata } from "next";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Billing Console", template: "%s · Billing Console" },
  description: "See what you owe and why; manage how your resources are billed.",
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen text-sm antialiased">{children}</body>
    </html>
  );
}
