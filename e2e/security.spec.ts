// The security promises against the real server and browser: throttling keyed
// on the socket's address, no open redirect after sign-in, no cross-origin
// form writes with the session cookie, the headers of pages, API answers and
// exports (and pages still work under the CSP), and 400 for malformed input.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test, type Page } from "@playwright/test";
import { DEMO, SignInPage } from "./pages";

const PORT = Number(process.env.E2E_PORT ?? 3100);

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A request from a chosen local address (all of 127/8 is this machine). */
function fromAddress(localAddress: string, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port: PORT, method, path, headers, localAddress }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** next-auth's credentials sign-in as a script would do it: "ok", "wrong" or "throttled". */
async function signInFrom(localAddress: string, email: string, password: string, forwardedFor?: string) {
  const csrf = await fromAddress(localAddress, "GET", "/api/auth/csrf");
  const cookie = ([] as string[]).concat(csrf.headers["set-cookie"] ?? []).map((c) => c.split(";")[0]).join("; ");
  const form = new URLSearchParams({ csrfToken: JSON.parse(csrf.body).csrfToken, email, password, json: "true", callbackUrl: "/overview" });
  const headers: Record<string, string> = { cookie, "content-type": "application/x-www-form-urlencoded" };
  if (forwardedFor !== undefined) headers["x-forwarded-for"] = forwardedFor;
  const res = await fromAddress(localAddress, "POST", "/api/auth/callback/credentials", headers, form.toString());
  const target = decodeURIComponent(res.headers.location ?? (res.body.startsWith("{") ? JSON.parse(res.body).url : ""));
  if (/error=SignInThrottled/.test(target)) return "throttled";
  if (/error=/.test(target)) return "wrong";
  return ([] as string[]).concat(res.headers["set-cookie"] ?? []).some((c) => c.includes("session-token=")) ? "ok" : `unexpected ${res.status} ${target}`;
}

async function signIn(page: Page, user = DEMO.admin) {
  const form = new SignInPage(page);
  await form.open();
  await form.signIn(user.email, user.password);
  await expect(page).toHaveURL(/\/overview$/);
}

test("sign-in throttling keys on the address the server saw, whatever X-Forwarded-For says", async () => {
  test.setTimeout(180_000);
  const attacker = "127.0.0.2";
  for (let i = 0; i < 20; i++) {
    expect(await signInFrom(attacker, `nobody-${i}-${Date.now()}@acme.test`, "wrong-password-1", `203.0.113.${i}`)).toBe("wrong");
  }
  // A fresh forged address changes nothing: the socket's address is throttled…
  expect(await signInFrom(attacker, DEMO.viewer.email, DEMO.viewer.password, "198.51.100.7")).toBe("throttled");
  // …and only it: another client is not locked out with it.
  expect(await signInFrom("127.0.0.3", DEMO.viewer.email, DEMO.viewer.password)).toBe("ok");
});

test("clients that send no usable X-Forwarded-For do not share one throttle bucket", async () => {
  test.setTimeout(180_000);
  // Next.js itself fills a missing X-Forwarded-For with the socket's address,
  // but leaves an empty one empty. Code that took the header's first entry and
  // fell back to one shared key ("local") put every client sending an empty
  // header in one bucket: the 20 failures below would then throttle the
  // correct password from 127.0.0.5. The address the server saw keeps them apart.
  const noisy = "127.0.0.4";
  for (let i = 0; i < 20; i++) {
    expect(await signInFrom(noisy, `nobody-local-${i}-${Date.now()}@acme.test`, "wrong-password-1", "")).toBe("wrong");
  }
  // The failures counted against the socket's address, header or not…
  expect(await signInFrom(noisy, DEMO.admin.email, DEMO.admin.password)).toBe("throttled");
  // …and only against it.
  expect(await signInFrom("127.0.0.5", DEMO.admin.email, DEMO.admin.password, "")).toBe("ok");
  expect(await signInFrom("127.0.0.6", DEMO.admin.email, DEMO.admin.password)).toBe("ok");
});

test("no open redirect after sign-in: /\\evil.example stays on this site", async ({ page }) => {
  await page.goto("/signin?callbackUrl=/%5Cevil.example");
  await new SignInPage(page).signIn(DEMO.admin.email, DEMO.admin.password);
  await expect(page).toHaveURL(`http://localhost:${PORT}/overview`);
});

test("a form posted from another origin of the same site cannot use the session to write", async ({ page }) => {
  await signIn(page);
  const target = "nat-hz";
  // The attacker's page on another port of localhost: same site, other origin.
  const evil = http.createServer((_req, res) => {
    res.setHeader("content-type", "text/html");
    // No fields: an empty body is a valid "release now".
    res.end(`<form method="POST" action="http://localhost:${PORT}/api/v1/instances/${target}/release"></form><script>document.forms[0].submit()</script>`);
  });
  await new Promise<void>((r) => evil.listen(0, "127.0.0.1", r));
  try {
    const response = page.waitForResponse((r) => r.url().includes(`/instances/${target}/release`));
    await page.goto(`http://localhost:${(evil.address() as AddressInfo).port}/`);
    expect((await response).status()).toBe(403);
  } finally {
    evil.close();
  }
  const list = await (await page.request.get(`/api/v1/instances`)).json();
  expect(list.data.find((i: { id: string }) => i.id === target).status).toBe("active");
});

test("pages, API answers and exports carry the security headers, and pages work under the CSP", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  await signIn(page); // the sign-in form is a client component: it ran under the CSP
  const res = await page.goto("/overview");
  const h = res!.headers();
  expect(h["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
  expect(h["content-security-policy"]).toContain("frame-ancestors 'none'");
  const nonce = /'nonce-([^']+)'/.exec(h["content-security-policy"])![1];
  expect(await page.locator("script[nonce]").count()).toBeGreaterThan(0); // the browser hides the value itself
  expect(await res!.text()).toContain(`nonce="${nonce}"`);
  expect(h["x-frame-options"]).toBe("DENY");
  expect(h["referrer-policy"]).toBe("same-origin");
  expect(h["permissions-policy"]).toContain("camera=()");
  expect(h["x-content-type-options"]).toBe("nosniff");
  // A client-side navigation works (hydrated, chunks loaded under 'strict-dynamic').
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Resources" }).click();
  await expect(page).toHaveURL(/\/resources$/);
  expect(violations).toEqual([]);

  for (const path of ["/api/v1/account", "/api/v1/bills?billingCycle=2026-99", "/api/v1/account/ledger?format=csv", "/bill-details/export?tab=summary&billingCycle=2026-10"]) {
    const api = await page.request.get(path);
    expect(api.headers()["cache-control"], path).toBe("no-store");
    expect(api.headers()["x-content-type-options"], path).toBe("nosniff");
    expect(api.headers()["x-frame-options"], path).toBe("DENY");
  }
});

test("malformed input is a 400 with a message on the real server", async ({ page }) => {
  await signIn(page);
  for (const path of ["/api/v1/bill-lines?billingCycle=2026-10&billingDate=2026-10-99", "/api/v1/bill-lines?billingCycle=2026-10&productDetail=a%00b"]) {
    const res = await page.request.get(path);
    expect(res.status(), path).toBe(400);
    expect((await res.json()).error.message, path).toMatch(/billingDate|productDetail/);
  }
});
