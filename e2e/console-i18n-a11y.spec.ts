// The console in English and Russian, checked with axe on every page (zero
// serious or critical violations; Pricing, Alerts, Webhooks and a webhook endpoint's
// delivery log included), by keyboard, on a 390 px phone, with
// multi-select filters in the URL and sign-in at 127.0.0.1. Screenshots:
// e2e/artifacts/<page>-en.png, -ru.png and -narrow.png.
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { BillDetailsPage, previousCycle } from "./bill-details-pages";
import { DEMO, expectTableLayout } from "./pages";

const LANGS = { en: { browser: "en-US", nav: "Console", signIn: "Sign in", email: "E-mail", password: "Password" },
  ru: { browser: "ru-RU", nav: "Консоль", signIn: "Войти", email: "Эл. почта", password: "Пароль" } } as const;
type Lang = keyof typeof LANGS;
const cycle = previousCycle();

const PAGES: { name: string; path: string; ready: (p: Page) => ReturnType<Page["getByTestId"]> }[] = [
  // The top instances, or the card's empty state (early in a cycle nothing may be charged yet).
  { name: "overview", path: "/overview", ready: (p) => p.getByTestId("top-instances").or(p.getByText(/^(No charges this cycle yet\.|В этом периоде начислений ещё нет\.)$/)).first() },
  { name: "bills", path: `/bill-details?tab=bills&billingCycle=${cycle}`, ready: (p) => p.getByTestId("bills-table") },
  { name: "details", path: `/bill-details?tab=details&billingCycle=${cycle}`, ready: (p) => p.getByTestId("details-table") },
  { name: "usage", path: `/bill-details?tab=usage&billingCycle=${cycle}&productId=oss`, ready: (p) => p.getByTestId("usage-table") },
  { name: "summary", path: `/bill-details?tab=summary&billingCycle=${cycle}`, ready: (p) => p.getByTestId("summary-table") },
  { name: "resources", path: "/resources", ready: (p) => p.getByTestId("resources-table") },
  { name: "resource", path: `/resources/${DEMO.ownResource}`, ready: (p) => p.getByTestId("lifecycle-panel") },
  { name: "account", path: "/account", ready: (p) => p.getByTestId("ledger-table") },
  { name: "audit", path: "/audit", ready: (p) => p.locator("main h1") },
  { name: "pricing", path: "/pricing", ready: (p) => p.getByTestId("prices-cloud-phone") },
  { name: "alerts", path: "/alerts", ready: (p) => p.getByTestId("budget-form") },
  { name: "webhooks", path: "/webhooks", ready: (p) => p.getByTestId("webhook-form") },
];
// A webhook endpoint of the demo account, made once for the sweep (disabled, so
// no event goes to its unreachable address); its page joins PAGES.
test.beforeAll(async ({ browser }) => {
  const { context, page } = await session(browser, "en");
  await page.goto("/webhooks");
  const form = page.getByTestId("webhook-form");
  await form.getByLabel("URL").fill("http://127.0.0.1:9/i18n-sweep");
  await form.getByRole("button", { name: "Add endpoint" }).click();
  const path = await page.getByTestId("webhook-created").getByRole("link").getAttribute("href");
  expect(path).toMatch(/^\/webhooks\/.+/);
  await page.goto(path!);
  await page.getByRole("button", { name: "Disable", exact: true }).click();
  await expect(page.getByRole("button", { name: "Enable", exact: true })).toBeVisible();
  PAGES.push({ name: "webhook", path: path!, ready: (p) => p.getByTestId("webhook-url") });
  await context.close();
});

/** Words each newer page must show in the language (no English left behind in Russian). */
const WORDS: Record<string, Record<Lang, RegExp[]>> = {
  // Catalog names (regions, products, items, region groups) in the language too.
  resources: { en: [/China \(Hangzhou\)/, /Cloud Phone/], ru: [/Китай \(Ханчжоу\)/, /Облачный телефон/] },
  pricing: { en: [/Billable item/, /Unit price/, /0\.080800/, /Chinese mainland/, /Outbound Internet Traffic/],
    ru: [/Тарифицируемая позиция/, /Цена за единицу/, /0,080800/, /Материковый Китай/, /Исходящий интернет-трафик/, /Облачный телефон/] },
  alerts: { en: [/Alert history/, /Add a budget/, /Whole account/], ru: [/История оповещений/, /Добавить бюджет/, /Весь аккаунт/] },
  webhooks: { en: [/Add an endpoint/, /Events/], ru: [/Добавить адрес/, /События/] },
};

async function session(browser: Browser, lang: Lang, user: { email: string; password: string } = DEMO.admin, baseURL?: string) {
  const context = await browser.newContext({ locale: LANGS[lang].browser, baseURL: baseURL ?? test.info().project.use.baseURL });
  const page = await context.newPage();
  await page.goto("/signin");
  await page.getByLabel(LANGS[lang].email).fill(user.email);
  await page.getByLabel(LANGS[lang].password).fill(user.password);
  await page.getByRole("button", { name: LANGS[lang].signIn, exact: true }).click();
  await expect(page).toHaveURL(/\/overview$/);
  return { context, page };
}

async function axe(page: Page, where: string) {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`), where).toEqual([]);
}

/** No sideways scrolling of the page itself (wide tables scroll inside their frame). */
async function noPageScroll(page: Page, where: string) {
  const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
  expect(scroll, `${where}: page width ${scroll} > viewport ${width}`).toBeLessThanOrEqual(width);
}

for (const lang of ["en", "ru"] as const) {
  test(`every page in ${lang}: the language, its money and dates, zero serious axe violations`, async ({ browser }) => {
    test.setTimeout(180_000); // a dozen pages, each checked by axe
    // Signed out: the sign-in page follows the browser's language.
    const anon = await browser.newContext({ locale: LANGS[lang].browser });
    const signin = await anon.newPage();
    await signin.goto("/signin");
    await expect(signin.locator("html")).toHaveAttribute("lang", lang);
    await expect(signin.getByRole("button", { name: LANGS[lang].signIn, exact: true })).toBeVisible();
    await axe(signin, `signin ${lang}`);
    await signin.screenshot({ path: `e2e/artifacts/signin-${lang}.png`, fullPage: true });
    await anon.close();

    const { context, page } = await session(browser, lang);
    await expect(page.locator("html")).toHaveAttribute("lang", lang);
    await expect(page.getByRole("navigation", { name: LANGS[lang].nav })).toBeVisible();
    // USD written the way each language writes it: "$1,234.50" / "1 234,50 $".
    const balance = (await page.getByTestId("overview-balance").textContent())!;
    expect(balance).toMatch(lang === "en" ? /^-?\$\d{1,3}(,\d{3})*\.\d{2}$/ : /^-?\d{1,3}(\u00a0\d{3})*,\d{2}\u00a0\$$/);
    await expect(page.getByTestId("overview-overdue-since")).toContainText(lang === "en" ? /\d{2}\/\d{2}\/\d{4}, \d{2}:\d{2}/ : /\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}/);
    for (const p of PAGES) {
      await page.goto(p.path);
      await expect(p.ready(page), p.name).toBeVisible();
      for (const w of WORDS[p.name]?.[lang] ?? []) await expect(page.locator("main"), `${p.name} ${lang}`).toContainText(w);
      await axe(page, `${p.name} ${lang}`);
      await page.screenshot({ path: `e2e/artifacts/${p.name}-${lang}.png`, fullPage: true });
    }
    // A Cloud Phone line's periods, expanded, are checked too.
    await openPeriods(page);
    await axe(page, `periods ${lang}`);
    // The Customize Columns dialog, open, is checked too.
    await page.goto(PAGES[2].path);
    await page.getByRole("button", { name: lang === "en" ? "Customize Columns" : "Настроить столбцы" }).click();
    await expect(page.getByRole("dialog")).toBeVisible();
    await axe(page, `columns dialog ${lang}`);
    await context.close();
  });
}

test("the switcher saves the language for the user, over the browser's", async ({ browser }) => {
  const { context, page } = await session(browser, "en", DEMO.viewer);
  try {
    await page.getByTestId("locale-switcher").getByRole("button", { name: "Русский" }).click();
    await expect(page.locator("html")).toHaveAttribute("lang", "ru");
    await expect(page.getByRole("navigation", { name: "Консоль" }).getByRole("link", { name: "Обзор" })).toBeVisible();
    await expect(page.getByTestId("locale-switcher").getByRole("button", { name: "Русский" })).toHaveAttribute("aria-pressed", "true");
    // Another browser that asks for English: the saved choice wins once signed in.
    const other = await browser.newContext({ locale: "en-US", baseURL: test.info().project.use.baseURL });
    const again = await other.newPage();
    await again.goto("/signin");
    await expect(again.locator("html")).toHaveAttribute("lang", "en");
    await again.getByLabel("E-mail").fill(DEMO.viewer.email);
    await again.getByLabel("Password").fill(DEMO.viewer.password);
    await again.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(again).toHaveURL(/\/overview$/);
    await expect(again.locator("html")).toHaveAttribute("lang", "ru");
    await expect(again.getByRole("heading", { name: "Обзор" })).toBeVisible();
    await other.close();
  } finally {
    await page.getByTestId("locale-switcher").getByRole("button", { name: "English" }).click();
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await context.close();
  }
});

test("a 390 px phone: shell, Overview, every Bill Details tab, Resources and Account without sideways page scroll", async ({ browser }) => {
  for (const lang of ["en", "ru"] as const) {
    const { context, page } = await session(browser, lang);
    await page.setViewportSize({ width: 390, height: 844 });
    for (const p of PAGES) {
      await page.goto(p.path);
      await expect(p.ready(page), p.name).toBeVisible();
      await noPageScroll(page, `${p.name} ${lang}`);
      if (lang === "en") await page.screenshot({ path: `e2e/artifacts/${p.name}-narrow.png`, fullPage: true });
      else await page.screenshot({ path: `e2e/artifacts/${p.name}-ru-narrow.png`, fullPage: true });
    }
    await context.close();
  }
});

test("keyboard only: skip link, visible focus, the columns dialog traps focus and returns it", async ({ browser }) => {
  const { context, page } = await session(browser, "en");
  await page.goto(PAGES[2].path);
  await expect(page.getByTestId("details-table")).toBeVisible();
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  const outline = await skip.evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(outline).not.toBe("none");
  await page.keyboard.press("Enter");
  await expect(page.locator("main")).toBeFocused();

  // Reach "Customize Columns" by Tab alone, open it with Enter.
  const open = page.getByRole("button", { name: "Customize Columns" });
  for (let i = 0; i < 80 && !(await open.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press("Tab");
  await expect(open).toBeFocused();
  expect(await open.evaluate((el) => getComputedStyle(el).outlineStyle)).not.toBe("none");
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: "Customize Columns" });
  await expect(dialog).toBeVisible();
  // Many Tabs later, focus is still inside the dialog.
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press("Tab");
    expect(await dialog.evaluate((d) => d.contains(document.activeElement)), `tab ${i}`).toBe(true);
  }
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(open).toBeFocused();

  // A multi-select filter opens and ticks with the keyboard.
  const region = page.getByTestId("filter-regionId").locator("summary");
  await region.focus();
  await page.keyboard.press("Enter");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Space");
  await expect(page.getByTestId("filter-regionId").getByRole("checkbox").first()).toBeChecked();
  await context.close();
});

test("multi-select filters: several products and regions, kept in the URL and applied", async ({ browser }) => {
  const { context, page } = await session(browser, "en");
  const bd = new BillDetailsPage(page);
  await bd.open("details", { billingCycle: cycle });
  await bd.pick("productId", "Cloud Phone", "Object Storage Service");
  await bd.pick("regionId", "China (Hangzhou)", "Singapore");
  await bd.apply();
  await expect(page).toHaveURL(/productId=cloud-phone.*productId=oss|productId=oss.*productId=cloud-phone/);
  await expect(page).toHaveURL(/regionId=cn-hangzhou/);
  await expect(page).toHaveURL(/regionId=ap-southeast-1/);
  const rows = bd.bodyRows("details-table");
  await expect(rows.first()).toBeVisible();
  const products = new Set(await rows.locator("td:nth-child(2)").allTextContents());
  expect([...products].every((p) => p === "Cloud Phone" || p === "Object Storage Service"), [...products].join(", ")).toBe(true);
  // After a reload the boxes stay ticked and the summary says how many.
  await page.reload();
  await expect(page.getByTestId("filter-productId").locator("summary")).toContainText("2 selected");
  await expect(page.getByTestId("filter-regionId").getByLabel("Singapore", { exact: true })).toBeChecked();
  await context.close();
});

/** A Cloud Phone day line in Billing Details with its periods shown. */
async function openPeriods(page: Page) {
  await page.goto(`/bill-details?tab=details&billingCycle=${cycle}&productId=cloud-phone&billingMethod=payg`);
  await page.getByTestId("expand-periods").first().click();
  await expect(page.getByTestId("line-periods")).toBeVisible();
}

test("tables: the same cell spacing everywhere and numbers right-aligned (every table on every page)", async ({ browser }) => {
  test.setTimeout(120_000);
  const { context, page } = await session(browser, "en");
  for (const p of PAGES) {
    await page.goto(p.path);
    await expect(p.ready(page), p.name).toBeVisible();
    await expectTableLayout(page, p.name);
  }
  await openPeriods(page);
  await expectTableLayout(page, "periods");
  // The columns named money or counts are right-aligned even where a cell holds more than the number.
  await page.goto("/account");
  for (const [table, numeric] of [["ledger-table", "Amount"], ["vouchers", "Face value"]] as const) {
    const t = page.getByTestId(table);
    await expect(t).toBeVisible();
    const headers = await t.locator("thead th").allTextContents();
    const align = await t.locator("tbody tr").first().locator("td").nth(headers.indexOf(numeric)).evaluate((td) => getComputedStyle(td).textAlign);
    expect(align, `${table} ${numeric}`).toBe("right");
  }
  await context.close();
});

test("sign-in works at 127.0.0.1 as well as at localhost", async ({ browser }) => {
  const base = new URL(test.info().project.use.baseURL!);
  const { page, context } = await session(browser, "en", DEMO.viewer, `http://127.0.0.1:${base.port}`);
  await expect(page).toHaveURL(new RegExp(`^http://127\\.0\\.0\\.1:${base.port}/overview$`));
  await expect(page.getByTestId("user-name")).toContainText(DEMO.viewer.name);
  // Signing out stays on this address too (next-auth alone would send the browser to NEXTAUTH_URL's host).
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(new RegExp(`^http://127\\.0\\.0\\.1:${base.port}/signin`));
  await context.close();
});

test("a refusal reads in the user's language: the overdue account's renewal, in Russian", async ({ browser }) => {
  const { context, page } = await session(browser, "ru");
  await page.goto("/resources/cp-sh-perf");
  const panel = page.getByTestId("lifecycle-panel");
  await panel.getByRole("button", { name: "Продлить", exact: true }).click();
  await panel.getByRole("button", { name: "Рассчитать" }).click();
  await expect(page.getByTestId("action-error")).toContainText(/У аккаунта задолженность с \d{2}\.\d{2}\.\d{4}, \d{2}:\d{2} UTC: продления запрещены/);
  await page.screenshot({ path: "e2e/artifacts/lifecycle-refused-ru.png", fullPage: true });
  await context.close();
});
