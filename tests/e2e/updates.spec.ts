// Weekly 填报 on a 360 px touch phone: a secretary posts an update and sees the card change; a
// leader sees the 填报情况 matrix and urges a missing unit; the secretary sees it on 我的待办.
import { expect, test, type Browser, type Page } from "@playwright/test";
import { login } from "./session";
import { demoYears, withDb } from "./demo-data";

const PHONE = { viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true, locale: "zh-CN", timezoneId: "Asia/Shanghai" };

async function phone(browser: Browser, username: string, options: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  await login(page, username);
  if (options.javaScriptEnabled !== false) return page;
  // Signed in with JavaScript; the test itself runs without it.
  const storageState = await context.storageState();
  await context.close();
  return (await browser.newContext({ ...PHONE, javaScriptEnabled: false, storageState })).newPage();
}

function watchConsole(page: Page) {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && !message.text().includes("status of 4")) problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(error.message));
  return problems;
}

test.describe.configure({ mode: "serial" });

// Two open cards of this year's plan (the demo's), read from the database: a lagging one (红灯:
// the demo story urged it as 进度明显滞后) and another one 推进中.
let lagging: { code: string; progress: number };
let open: { code: string };

test.beforeAll(async () => {
  // Make 东晟社区 (the secretary's unit) a 配合单位 of both, as a leader would in the edit form,
  // so neither has its 填报 this week yet.
  await withDb(async (db) => {
    const { current } = demoYears();
    const unit = await db.selectFrom("units").select("id").where("name", "=", "东晟社区").executeTakeFirstOrThrow();
    const candidates = await db
      .selectFrom("tasks")
      .innerJoin("plans", "plans.id", "tasks.plan_id")
      .select(["tasks.id", "tasks.code", "tasks.progress"])
      .where("plans.year", "=", current)
      .where("tasks.status", "=", "in_progress")
      .where("tasks.progress", "<", 80)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom("task_units")
              .select("task_id")
              .whereRef("task_units.task_id", "=", "tasks.id")
              .where("task_units.unit_id", "=", unit.id),
          ),
        ),
      )
      .orderBy("tasks.code")
      .execute();
    const urged = await db
      .selectFrom("comments")
      .select("task_id")
      .where("kind", "=", "urge")
      .where("body", "like", "%进度明显滞后%")
      .execute();
    const red = candidates.find((t) => urged.some((u) => u.task_id === t.id));
    expect(red, "a lagging open card of this year").toBeTruthy();
    const other = candidates.find((t) => t !== red)!;
    expect(other, "another open card of this year").toBeTruthy();
    lagging = { code: red!.code, progress: red!.progress };
    open = { code: other.code };
    for (const task of [red!, other]) {
      await db
        .insertInto("task_units")
        .values({ task_id: task.id, unit_id: unit.id, role: "support" })
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
  });
});

test("a secretary posts this week's update on a phone and sees the card change", async ({ browser }) => {
  const page = await phone(browser, "secretary");
  const problems = watchConsole(page);
  await page.goto("/board");
  const card = page.locator("li.task-card", { hasText: lagging.code });
  await expect(card).toContainText(`完成 ${lagging.progress}%`);
  await expect(card).toContainText("红灯");

  await page.goto("/todo");
  const due = page.getByRole("region", { name: /本周待填报/ }).locator("li", { hasText: lagging.code });
  await due.getByRole("link", { name: "填报进展" }).tap();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("填报进展");

  // A mistake first: the message says what to fix and the text stays.
  await page.getByLabel("本周进展（必填）").fill("完成辖区城管队员业务培训2场，参训42人次。");
  await page.getByLabel("完成进度（%）").fill("120");
  const submit = page.getByRole("button", { name: "提交填报" });
  const box = await submit.boundingBox();
  expect(box!.height).toBeGreaterThanOrEqual(44);
  expect(box!.width).toBeGreaterThan(300);
  await submit.tap();
  await expect(page.getByText("完成进度不能超过100%。", { exact: true })).toBeVisible();
  await expect(page.getByRole("link", { name: "完成进度：完成进度不能超过100%。" })).toBeVisible();
  await expect(page.getByLabel("本周进展（必填）")).toHaveValue("完成辖区城管队员业务培训2场，参训42人次。");

  await page.getByLabel("完成进度（%）").fill("90");
  await page.getByLabel("下步计划").fill("组织第三季度岗位练兵");
  await page.getByRole("button", { name: "提交填报" }).tap();
  await expect(page).toHaveURL(/\/todo$/);
  await expect(page.getByRole("region", { name: /本周待填报/ }).locator("li", { hasText: lagging.code })).toHaveCount(0);

  await page.goto("/board");
  const changed = page.locator("li.task-card", { hasText: lagging.code });
  await expect(changed).toContainText("完成 90%");
  await expect(changed).not.toContainText("周未填报");
  expect(problems).toEqual([]);
});

test("a leader sees the 填报情况 matrix on a phone and urges a missing unit once", async ({ browser }) => {
  const page = await phone(browser, "leader");
  const problems = watchConsole(page);
  await page.goto("/reports");
  await expect(page.getByRole("heading", { name: "填报情况" })).toBeVisible();
  const row = page.locator(".report-matrix tbody tr", { hasText: lagging.code });
  await expect(row).toContainText("已填报 90%");
  const urge = page.getByRole("button", { name: `催办东晟社区：${open.code}` });
  await urge.tap();
  await expect(page.getByRole("status").filter({ hasText: "已催办东晟社区" })).toBeVisible();
  await expect(page.locator(".report-matrix tbody tr", { hasText: open.code })).toContainText("今日已催办");
  await expect(page.getByRole("button", { name: `催办东晟社区：${open.code}` })).toHaveCount(0);
  expect(problems).toEqual([]);
});

test("the secretary sees the 催办 on 我的待办 and answers it without JavaScript", async ({ browser }) => {
  const page = await phone(browser, "secretary", { javaScriptEnabled: false });
  await page.goto("/todo");
  await expect(page.locator(".nav-badge")).toBeVisible();
  const urges = page.getByRole("region", { name: /收到的催办/ });
  const urge = urges.locator("li", { hasText: open.code });
  await expect(urge).toContainText("刘主任");
  await expect(urge).toContainText("请尽快填报");
  await urge.getByRole("link", { name: "去填报" }).click(); // no JS: a plain link and a plain POST
  await page.getByLabel("本周进展（必填）").fill("已对辖区32家商户开展安全生产责任落实检查。");
  await page.getByLabel("完成进度（%）").fill("85");
  await page.getByRole("button", { name: "提交填报" }).click(); // no JS: a plain link and a plain POST
  await expect(page).toHaveURL(/\/todo$/);
  await expect(page.getByRole("region", { name: /收到的催办/ }).locator("li", { hasText: open.code })).toContainText("已填报");
});
