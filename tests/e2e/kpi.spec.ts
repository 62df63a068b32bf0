// 指标对比 in a browser: the overview and charts render under the strict CSP, filters live in
// the URL (with and without JavaScript), a metric opens its detail, and a leader downloads the
// 工作台账 while a viewer is not offered it.
import ExcelJS from "exceljs";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { login, watchConsole } from "./session";

async function withoutJavaScript(browser: Browser, page: Page): Promise<Page> {
  const storageState = await page.context().storageState();
  const context = await browser.newContext({ javaScriptEnabled: false, storageState, locale: "zh-CN", timezoneId: "Asia/Shanghai" });
  return context.newPage();
}

test("a leader reads the KPI page, filters it in the URL, opens a metric and downloads the 工作台账", async ({ page }) => {
  const problems = watchConsole(page);
  await login(page, "leader");
  await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "指标" }).click();
  await expect(page).toHaveURL(/\/kpi$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("年指标对比");
  await expect(page.getByRole("heading", { name: /重点工作 \d+项/ })).toBeVisible();
  await expect(page.getByRole("heading", { name: "近4周填报率" })).toBeVisible();

  // Every metric row has a light with its word, and sparklines are SVG images with a text alternative.
  const rows = page.locator(".kpi-table tbody tr");
  const count = await rows.count();
  expect(count).toBeGreaterThan(0);
  for (let i = 0; i < count; i += 1) await expect(rows.nth(i).locator(".kpi-light-word")).toHaveText(/绿灯|黄灯|红灯|未评价/);
  const sparkline = page.locator("svg.sparkline").first();
  if (await sparkline.count()) await expect(sparkline).toHaveAttribute("aria-label", /趋势/);

  // Choosing a sort submits at once (JavaScript) and lands in the URL.
  await page.getByRole("combobox", { name: "排序" }).selectOption("percent");
  await expect(page).toHaveURL(/sort=percent/);
  await page.getByRole("combobox", { name: "督办灯" }).selectOption("green");
  await expect(page).toHaveURL(/light=green/);
  await expect(page.locator(".kpi-table tbody .kpi-light-word").first()).toContainText("绿灯");
  await page.getByRole("link", { name: "清除筛选" }).click();
  await expect(page).not.toHaveURL(/light=/);

  // A metric's detail: chart, per-unit bars and the table of every reported value.
  const first = page.locator(".kpi-metric-name").first();
  const name = (await first.textContent())!.trim();
  await first.click();
  await expect(page).toHaveURL(/\/kpi\/\d+$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(name);
  await expect(page.getByRole("heading", { name: "各单位贡献" })).toBeVisible();
  await expect(page.getByRole("heading", { name: /全部填报记录/ })).toBeVisible();
  if (await page.locator("svg.trend-chart").count()) {
    await page.getByText("以表格查看逐周数据").click();
    await expect(page.locator(".kpi-data table tbody tr").first()).toBeVisible();
  }
  await page.getByRole("link", { name: "指标对比" }).click();
  await expect(page).toHaveURL(/\/kpi\?year=\d{4}$/);

  // The 工作台账 download.
  const downloading = page.waitForEvent("download");
  await page.getByRole("button", { name: "导出工作台账（Excel）" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^平东街道\d{4}年重点工作台账_\d{4}-\d{2}-\d{2}\.xlsx$/);
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(await download.path());
  expect(book.worksheets.map((s) => s.name).slice(0, 2)).toEqual(["重点工作台账", "指标完成情况"]);
  expect(book.worksheets[2].name).toMatch(/^填报情况 第\d+周$/);

  expect(problems).toEqual([]);
});

test("filters work without JavaScript, and a viewer is not offered the export", async ({ page, browser }) => {
  await login(page, "viewer");
  const plain = await withoutJavaScript(browser, page);
  await plain.goto("/kpi");
  await expect(plain.getByRole("button", { name: "导出工作台账（Excel）" })).toHaveCount(0);
  await plain.getByRole("combobox", { name: "范围" }).selectOption("all");
  await plain.getByRole("button", { name: "筛选" }).click();
  await expect(plain).toHaveURL(/scope=all/);
  await expect(plain.getByText(/显示 \d+ 项指标/)).toBeVisible();
  const response = await plain.goto("/kpi/ledger.xlsx");
  expect(response?.status()).toBe(403);
  await plain.context().close();
});

test("the page fits a 360 px phone: tables scroll sideways inside the page", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: "zh-CN", timezoneId: "Asia/Shanghai" });
  const page = await context.newPage();
  await login(page, "leader");
  await page.goto("/kpi");
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(360);
  await context.close();
});

test("the charts render on the server under the strict CSP: no inline style, no violation, readable without JavaScript and at 360 px", async ({
  page,
  browser,
}) => {
  await page.context().addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener("securitypolicyviolation", (event) =>
      seen.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`),
    );
  });
  const violations = () => page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);
  const problems = watchConsole(page);
  await login(page, "leader");

  // The KPI page: no style attribute in the server's markup, sparklines drawn as SVG images.
  const kpiHtml = await (await page.request.get("/kpi")).text();
  expect(kpiHtml).not.toMatch(/\sstyle=/);
  await page.goto("/kpi");
  const sparklines = page.getByRole("img", { name: /逐周趋势/ });
  expect(await sparklines.count()).toBeGreaterThan(0);
  await expect(sparklines.first()).toBeVisible();
  await expect(sparklines.first().locator("path.chart-line")).toHaveAttribute("d", /^M[\d.]+,[\d.]+/);
  expect(await violations()).toEqual([]);

  // A metric's detail: the trend and per-unit charts, one point per week the table reports.
  await page.locator(".kpi-metric-name").first().click();
  await expect(page).toHaveURL(/\/kpi\/\d+$/);
  const detailPath = new URL(page.url()).pathname;
  expect(await (await page.request.get(detailPath)).text()).not.toMatch(/\sstyle=/);
  const trend = page.getByRole("img", { name: /逐周完成情况图/ });
  await expect(trend).toHaveCount(1); // the wide drawing; the narrow one is hidden at 1280 px
  await expect(trend).toBeVisible();
  await expect(page.getByRole("img", { name: /各单位贡献/ })).toBeVisible();
  const reportedWeeks = await page
    .locator(".kpi-data tbody tr td:nth-child(3)")
    .evaluateAll((cells) => cells.filter((c) => c.textContent!.trim() !== "—").length);
  expect(reportedWeeks).toBeGreaterThan(0);
  await expect(trend.locator(".chart-point")).toHaveCount(reportedWeeks);
  const units = await page.locator("#units-heading ~ .table-scroll tbody tr").count();
  await expect(page.getByRole("img", { name: /各单位贡献/ }).locator("rect.chart-bar")).toHaveCount(units);
  expect(await violations()).toEqual([]);

  // At 360 px the narrow drawing shows instead, and nothing scrolls the page sideways.
  await page.setViewportSize({ width: 360, height: 740 });
  await expect(page.getByRole("img", { name: /逐周完成情况图/ })).toHaveClass(/trend-chart-narrow/);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  expect(await violations()).toEqual([]);
  expect(problems).toEqual([]);

  // Without JavaScript the same charts are there: they are drawn on the server.
  const plain = await withoutJavaScript(browser, page);
  await plain.goto(detailPath);
  await expect(plain.getByRole("img", { name: /逐周完成情况图/ })).toBeVisible();
  await expect(plain.getByRole("img", { name: /逐周完成情况图/ }).locator(".chart-point")).toHaveCount(reportedWeeks);
  await plain.goto("/kpi");
  await expect(plain.getByRole("img", { name: /逐周趋势/ }).first()).toBeVisible();
  await plain.context().close();
});
