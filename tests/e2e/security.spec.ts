// User text is rendered as text everywhere it shows (no dialog ever fires), and every page each
// demo role can open runs under the strict CSP with zero violations.
import ExcelJS from "exceljs";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { login } from "./session";
import { demoYears } from "./demo-data";

const XSS_TITLE = "<img src=x onerror=alert(1)>";
const XSS_COMMENT = '<script>alert("评论")</script>';

/** Every dialog (alert, confirm…) the page opens; dismissed and recorded. */
function watchDialogs(page: Page) {
  const dialogs: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return dialogs;
}

test("a task titled with HTML and a <script> comment show literally everywhere; no dialog fires", async ({ page }) => {
  const dialogs = watchDialogs(page);
  await login(page, "leader");
  const origin = new URL(page.url()).origin;
  const planId = await page.locator('.quick-add input[name="planId"]').first().inputValue();
  const added = await page.request.post("/board", {
    form: { intent: "quickAdd", planId, status: "in_progress", title: XSS_TITLE, back: "" },
    headers: { Origin: origin },
    maxRedirects: 0,
  });
  expect(added.status()).toBe(302);
  await page.goto(`/board?q=${encodeURIComponent(XSS_TITLE)}`);
  const card = page.locator("li.task-card", { hasText: XSS_TITLE });
  await expect(card).toHaveCount(1);
  const taskId = Number(await card.getAttribute("data-task-id"));
  const commented = await page.request.post(`/tasks/${taskId}/comments`, {
    form: { intent: "comment", body: XSS_COMMENT, fetcher: "1" },
    headers: { Origin: origin },
  });
  expect(commented.status()).toBe(200);

  const pages: [string, string[]][] = [
    [`/board?q=${encodeURIComponent(XSS_TITLE)}`, [XSS_TITLE]],
    [`/board/${taskId}`, [XSS_TITLE, XSS_COMMENT]],
    [`/board/${taskId}/edit`, []],
    ["/board/meeting", [XSS_TITLE]],
    // The 填报情况 matrix lists tasks with 责任单位 only; a quick-added task has none yet.
    ["/reports", []],
    ["/kpi", []],
    ["/summary", []],
  ];
  for (const [path, texts] of pages) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
    for (const text of texts) await expect(page.getByText(text, { exact: false }).first(), `${path} shows ${text}`).toBeVisible();
    // The markup stays text: no <img src=x>, no injected script element.
    expect(await page.locator('img[src="x"]').count(), path).toBe(0);
    expect(
      await page.locator("script").evaluateAll((nodes) => nodes.filter((n) => n.textContent?.includes('alert("评论")')).length),
      path,
    ).toBe(0);
  }
  await page.goto(`/board/${taskId}/edit`);
  await expect(page.locator('input[name="title"]:not([id^="quick-add"])')).toHaveValue(XSS_TITLE);

  // Exported documents: the 工作台账 carries the title as plain cell text.
  // The board opens on this year's plan, where the task was added.
  const ledger = await page.request.get(`/kpi/ledger.xlsx?year=${demoYears().current}`);
  expect(ledger.status()).toBe(200);
  const book = new ExcelJS.Workbook();
  await book.xlsx.load((await ledger.body()) as unknown as ArrayBuffer);
  const cells: string[] = [];
  book.worksheets[0].eachRow((row) => row.eachCell((cell) => cells.push(String(cell.value ?? ""))));
  expect(cells.some((text) => text.includes(XSS_TITLE))).toBe(true);

  // Let any late script run before concluding nothing fired.
  await page.waitForTimeout(300);
  expect(dialogs).toEqual([]);
});

interface RolePages {
  role: string;
  paths: (ids: { taskId: number; metricId: number; userId: number; ownTaskId: number | null }) => string[];
}

const ROLE_PAGES: RolePages[] = [
  {
    role: "admin",
    paths: (i) => [
      "/board",
      `/board/${i.taskId}`,
      `/board/${i.taskId}/edit`,
      "/board/meeting",
      "/todo",
      "/reports",
      "/kpi",
      `/kpi/${i.metricId}`,
      "/summary",
      "/summary/next-year",
      "/summary/outline",
      "/import",
      "/admin/users",
      `/admin/users/${i.userId}`,
      "/admin/units",
      "/admin/plans",
      "/admin/backups",
      "/admin/audit",
      "/admin/notify",
      "/admin/outbox",
      "/settings/password",
    ],
  },
  {
    role: "leader",
    paths: (i) => [
      "/board",
      `/board/${i.taskId}`,
      `/board/${i.taskId}/edit`,
      "/board/meeting",
      "/todo",
      "/reports",
      "/kpi",
      `/kpi/${i.metricId}`,
      "/summary",
      "/summary/next-year",
      "/summary/outline",
      "/import",
      "/settings/password",
    ],
  },
  {
    role: "secretary",
    paths: (i) => [
      "/board",
      `/board/${i.taskId}`,
      "/board/meeting",
      "/todo",
      "/kpi",
      `/kpi/${i.metricId}`,
      "/summary",
      "/settings/password",
      ...(i.ownTaskId ? [`/tasks/${i.ownTaskId}/update`] : []),
    ],
  },
  {
    role: "viewer",
    paths: (i) => [
      "/board",
      `/board/${i.taskId}`,
      "/board/meeting",
      "/todo",
      "/kpi",
      `/kpi/${i.metricId}`,
      "/summary",
      "/settings/password",
    ],
  },
];

async function cspWatchedPage(browser: Browser) {
  const context = await browser.newContext();
  // Installed before any page script: every violation event of every document is kept.
  await context.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) =>
      w.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`),
    );
  });
  const page = await context.newPage();
  const problems: string[] = [];
  // Uncaught errors, including React's production hydration errors (reported, not logged).
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    // CSP refusals, and React's (minified) hydration errors: server and client disagreeing.
    if (/Content Security Policy|Refused to|Minified React error #(418|419|423|425)|hydrat/i.test(message.text()))
      problems.push(message.text());
  });
  return { context, page, problems };
}

for (const { role, paths } of ROLE_PAGES) {
  test(`CSP: every page ${role} can open has zero violations, clean UTF-8 and hydrates`, async ({ browser }) => {
    test.setTimeout(90_000);
    const { context, page, problems } = await cspWatchedPage(browser);
    await login(page, role);
    const taskId = Number(await page.locator("li.task-card").first().getAttribute("data-task-id"));
    await page.goto("/kpi");
    const metricHref = await page.locator('a[href^="/kpi/"]').first().getAttribute("href");
    const metricId = Number(/\/kpi\/(\d+)/.exec(metricHref ?? "")?.[1]);
    let userId = 0;
    if (role === "admin") {
      await page.goto("/admin/users");
      userId = Number(
        /\/admin\/users\/(\d+)/.exec((await page.locator('a[href^="/admin/users/"]').first().getAttribute("href")) ?? "")?.[1],
      );
    }
    let ownTaskId: number | null = null;
    if (role === "secretary") {
      await page.goto("/todo");
      const href = await page.locator('a[href*="/update"]').first().getAttribute("href");
      ownTaskId = Number(/\/tasks\/(\d+)\/update/.exec(href ?? "")?.[1]) || null;
      expect(ownTaskId, "the secretary has a task to report on").not.toBeNull();
    }
    const visited: string[] = [];
    for (const path of paths({ taskId, metricId, userId, ownTaskId })) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(200);
      // No 0x00 bytes: React 18 pads a 2 KB chunk with them where a Chinese character does not fit.
      expect((await response!.body()).includes(0), `${path} contains NUL bytes`).toBe(false);
      await page.waitForLoadState("networkidle");
      await expect(page.getByRole("heading", { name: "系统出错了" })).toHaveCount(0);
      const violations = await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
      expect(violations, `${role} ${path}`).toEqual([]);
      visited.push(path);
    }
    expect(problems).toEqual([]);
    expect(visited.length).toBe(paths({ taskId, metricId, userId, ownTaskId }).length);
    await context.close();
  });
}
