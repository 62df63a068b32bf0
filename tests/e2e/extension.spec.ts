// 延期申请 through the UI on a 360 px phone: the 牵头单位's secretary applies from the card's
// detail, a leader finds it in 我的待办 and approves it, and the card says "已延期（原定…）".
// Then a leader issues a 督办通报 and downloads it.
import { fileURLToPath } from "node:url";
import { generateKeyBetween } from "fractional-indexing";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { login } from "./session";
import { openDatabase } from "../../db/index";
import { demoYears } from "./demo-data";

const PHONE = { viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true, locale: "zh-CN", timezoneId: "Asia/Shanghai" };
const DB_PATH = fileURLToPath(new URL("../.tmp/e2e/app.sqlite", import.meta.url));
const TITLE = "延期测试：老旧小区加装电梯";

async function phone(browser: Browser, username: string): Promise<Page> {
  const page = await (await browser.newContext(PHONE)).newPage();
  await login(page, username);
  return page;
}

function watchConsole(page: Page) {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(error.message));
  return problems;
}

/** Nothing in the dialog is wider than the phone. */
async function expectFitsPhone(page: Page) {
  const overflow = await page
    .locator(".detail-panel")
    .evaluate((panel) => [panel.scrollWidth, panel.clientWidth, panel.getBoundingClientRect().right]);
  expect(overflow[0]).toBeLessThanOrEqual(overflow[1] + 1);
  expect(overflow[2]).toBeLessThanOrEqual(361);
}

const inDays = (days: number) => {
  const d = new Date(Date.now() + days * 86_400_000 + 8 * 3_600_000);
  return d.toISOString().slice(0, 10);
};
const inWords = (key: string) => {
  const [y, m, d] = key.split("-").map(Number);
  return `${y}年${m}月${d}日`;
};

const { last: lastYear, current: thisYear } = demoYears();
/** The test task's 完成时限: three weeks ago (overdue), or this year's second day in its first weeks. */
const OLD_DUE = [inDays(-21), `${thisYear}-01-02`].sort().at(-1)!;
/** The card's note (extendedNote): the original date's year only when the new one is in another year. */
const cardNote = (newDue: string) => {
  const [y, m, d] = OLD_DUE.split("-").map(Number);
  return `已延期（原定${newDue.slice(0, 4) === OLD_DUE.slice(0, 4) ? "" : `${y}年`}${m}月${d}日）`;
};

let taskId: number;

test.describe.configure({ mode: "serial" });
// Three signed-in browsers per test on a shared 2-core machine.
test.setTimeout(90_000);

test.beforeAll(async () => {
  // A task 推进中 of this year's plan led by 东晟社区 (the demo secretary's unit), overdue.
  const db = openDatabase(DB_PATH);
  try {
    const plan = await db.selectFrom("plans").select("id").where("year", "=", thisYear).executeTakeFirstOrThrow();
    const unit = await db.selectFrom("units").select("id").where("name", "=", "东晟社区").executeTakeFirstOrThrow();
    const leader = await db.selectFrom("users").select("id").where("username", "=", "leader").executeTakeFirstOrThrow();
    const first = await db
      .selectFrom("tasks")
      .select("position")
      .where("plan_id", "=", plan.id)
      .where("status", "=", "in_progress")
      .orderBy("position")
      .executeTakeFirst();
    const now = new Date().toISOString();
    const task = await db
      .insertInto("tasks")
      .values({
        plan_id: plan.id,
        code: `${thisYear}-90`,
        title: TITLE,
        origin: "manual",
        status: "in_progress",
        position: generateKeyBetween(null, first?.position ?? null),
        lead_user_id: leader.id,
        start_date: `${thisYear}-01-01`,
        due_date: OLD_DUE,
        progress: 60,
        created_at: `${thisYear - 1}-12-31T00:00:00.000Z`,
        updated_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    taskId = task.id;
    await db.insertInto("task_units").values({ task_id: taskId, unit_id: unit.id, role: "lead" }).execute();
    await db
      .updateTable("plans")
      .set((eb) => ({ change_seq: eb("change_seq", "+", 1) }))
      .where("id", "=", plan.id)
      .execute();
  } finally {
    await db.destroy();
  }
});

test.afterAll(async () => {
  // Leave the shared demo plan as the other specs expect it.
  const db = openDatabase(DB_PATH);
  try {
    if (taskId) await db.deleteFrom("tasks").where("id", "=", taskId).execute();
  } finally {
    await db.destroy();
  }
});

test("the 牵头单位 applies on a phone, a leader approves from 我的待办, the card says 已延期", async ({ browser }) => {
  const newDue = inDays(45);

  // 1. The secretary applies.
  const secretary = await phone(browser, "secretary");
  const problems = watchConsole(secretary);
  await secretary.goto(`/board/${taskId}`);
  const dialog = secretary.getByRole("dialog", { name: TITLE });
  await expect(dialog).toBeVisible();
  const section = dialog.getByRole("region", { name: "延期申请" });
  await section.getByText("申请延期", { exact: true }).tap();
  await section.getByLabel("申请的完成时限").fill(newDue);
  await section.getByLabel("申请理由").fill("加装电梯需全体业主签字同意，协调尚未完成，申请顺延。");
  await expectFitsPhone(secretary);
  const submit = section.getByRole("button", { name: "提交延期申请" });
  expect((await submit.boundingBox())!.height).toBeGreaterThanOrEqual(40);
  await submit.tap();
  await expect(section.getByRole("status")).toContainText(`延期申请已提交（申请延至${inWords(newDue)}）`);
  await expect(section.locator(".extension-item")).toContainText("待审批");
  await expect(section.locator(".extension-item")).toContainText("等待责任领导审批。");
  // Nothing changes before the decision.
  await expect(dialog.locator(".detail-fields")).toContainText(inWords(OLD_DUE));
  expect(problems).toEqual([]);

  // 2. A leader finds it in 我的待办 and approves it.
  const leader = await phone(browser, "leader");
  const leaderProblems = watchConsole(leader);
  await leader.goto("/todo");
  const pending = leader.getByRole("region", { name: /待审批的延期申请/ }).locator("li", { hasText: TITLE });
  await expect(pending).toContainText(`申请延至${inWords(newDue)}（原定${inWords(OLD_DUE)}）`);
  await pending.getByRole("link").tap();
  const leaderDialog = leader.getByRole("dialog", { name: TITLE });
  const decide = leaderDialog.getByRole("region", { name: "延期申请" });
  await decide.getByLabel(/审批意见/).fill("同意，请倒排工期，确保按期完成。");
  await expectFitsPhone(leader);
  await decide.getByRole("button", { name: `同意延期至${inWords(newDue)}` }).tap();
  await expect(decide.getByRole("status").first()).toContainText(`已批准延期，完成时限改为${inWords(newDue)}`);
  await expect(leaderDialog.locator(".detail-fields")).toContainText(`${inWords(newDue)}${cardNote(newDue)}`);
  await expect(leaderDialog.getByRole("region", { name: "历史记录" })).toContainText(`批准延期：完成时限由${inWords(OLD_DUE)}延至`);
  // The light is computed against the new date: no longer overdue.
  await expect(leaderDialog.locator(".detail-light")).not.toContainText("已超期");
  await leader.screenshot({ path: test.info().outputPath("extension-panel-360.png") });
  expect(leaderProblems).toEqual([]);

  // 3. The board card, on the phone and on a desktop.
  await secretary.goto("/board");
  const card = secretary.locator("li.task-card", { hasText: TITLE });
  await expect(card).toContainText(cardNote(newDue));
  await card.scrollIntoViewIfNeeded();
  await card.screenshot({ path: test.info().outputPath("extension-card-360.png") });
  const desktop = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await login(desktop, "leader");
  await desktop.goto("/board");
  const desktopCard = desktop.locator("li.task-card", { hasText: TITLE });
  await expect(desktopCard).toContainText(cardNote(newDue));
  await desktop.screenshot({ path: test.info().outputPath("extension-board-1280.png") });
});

test("a leader issues a 督办通报 for a month and downloads it, on a phone", async ({ browser }) => {
  const leader = await phone(browser, "leader");
  const problems = watchConsole(leader);
  await leader.goto(`/briefings?year=${lastYear}`);
  await expect(leader.getByRole("heading", { level: 1 })).toHaveText(`督办通报 · ${lastYear}年`);
  await leader.getByLabel("按月（月报）").selectOption(`${lastYear}-12`);
  await leader.getByRole("button", { name: "出具月报" }).tap();
  await expect(leader.getByRole("status")).toContainText(/已出具第\d+期/);
  await expect(leader.getByRole("heading", { level: 2, name: /平东街道重点工作督办通报/ })).toBeVisible();
  await expect(leader.locator(".briefing-document")).toContainText("二、红灯事项（滞后）");
  const width = await leader.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  expect(width[0]).toBeLessThanOrEqual(width[1]);
  await leader.evaluate(() => window.scrollTo(0, 0));
  await leader.screenshot({ path: test.info().outputPath("briefings-360.png") });
  await leader.locator(".briefing-document").scrollIntoViewIfNeeded();
  await leader.screenshot({ path: test.info().outputPath("briefings-360-document.png") });
  const download = leader.waitForEvent("download");
  await leader.getByRole("link", { name: "下载 .docx（公文格式）" }).tap();
  expect((await download).suggestedFilename()).toMatch(new RegExp(`^平东街道重点工作督办通报（${lastYear}年第\\d+期）\\.docx$`));
  expect(problems).toEqual([]);

  const desktop = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await login(desktop, "leader");
  await desktop.goto(`/briefings?year=${lastYear}`);
  await desktop.getByRole("link", { name: new RegExp(`第\\d+期 · ${lastYear}年12月`) }).click();
  await expect(desktop.locator(".briefing-document")).toContainText("一、总体情况");
  await desktop.screenshot({ path: test.info().outputPath("briefings-1280.png"), fullPage: true });
});
