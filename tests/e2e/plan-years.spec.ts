// Which year the board opens, the new-year banner, and a future plan's tasks (未开始): with a
// past plan (the demo's last year), a future plan and, for the last test, a current one. Every
// year is relative to today's (Shanghai), so the spec means the same next year. It runs in the
// "new-plan-years" project, after summary.spec (which starts next year's plan) and import.spec:
// the demo's plan of this year is moved out of the way for the tests without one and put back
// for the last test.
import { expect, test, type Page } from "@playwright/test";
import type { openDatabase } from "../../db/index";
import { login, watchConsole } from "./session";
import { demoYears, withDb } from "./demo-data";

const { current: thisYear, next: futureYear } = demoYears();
const FUTURE_TASK = "明年才开始的重点工作（测试）";
/** Where this year's plan waits meanwhile: a year no spec opens. */
const ASIDE_YEAR = thisYear + 50;

async function moveCurrentPlan(from: number, to: number) {
  await withDb((db) => db.updateTable("plans").set({ year: to }).where("year", "=", from).execute());
}

async function insertPlan(db: ReturnType<typeof openDatabase>, year: number): Promise<number> {
  const now = new Date().toISOString();
  const existing = await db.selectFrom("plans").select("id").where("year", "=", year).executeTakeFirst();
  if (existing) return existing.id;
  const row = await db
    .insertInto("plans")
    .values({
      year,
      title: `平东街道${year}年重点工作`,
      organization: "平东街道",
      status: "active",
      light_thresholds: null,
      created_at: now,
      updated_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  // A future plan with one task led by the secretary's unit (东晟社区).
  await moveCurrentPlan(thisYear, ASIDE_YEAR);
  await withDb(async (db) => {
    const years = (await db.selectFrom("plans").select("year").execute()).map((p) => p.year);
    expect(years).not.toContain(thisYear);
    const planId = await insertPlan(db, futureYear);
    const unit = await db.selectFrom("units").select("id").where("name", "=", "东晟社区").executeTakeFirstOrThrow();
    const now = new Date().toISOString();
    const task = await db
      .insertInto("tasks")
      .values({
        plan_id: planId,
        code: `${futureYear}-90`,
        title: FUTURE_TASK,
        origin: "manual",
        origin_ref: null,
        source_excerpt: null,
        source_document_id: null,
        carried_from_task_id: null,
        lead_user_id: null,
        status: "not_started",
        position: "Zz",
        start_date: null,
        due_date: `${futureYear}-06-30`,
        done_at: null,
        created_by: null,
        created_at: now,
        updated_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db.insertInto("task_units").values({ task_id: task.id, unit_id: unit.id, role: "lead" }).execute();
  });
});

async function boardHeading(page: Page) {
  return page.getByRole("heading", { level: 1 });
}

test("without a plan for this year: the newest past plan opens, and leaders see the banner", async ({ page }) => {
  const problems = watchConsole(page);
  await login(page, "leader");
  await page.goto("/board");
  const heading = await boardHeading(page);
  await expect(heading).toHaveText(/^\d{4}年度重点工作看板$/);
  const shown = Number((await heading.textContent())!.slice(0, 4));
  expect(shown).toBeLessThan(thisYear);
  const banner = page.getByRole("region", { name: `${thisYear}年度还没有计划` });
  await expect(banner).toBeVisible();
  await expect(banner.getByRole("link", { name: "从上年总结开启" })).toHaveAttribute("href", `/summary/next-year?year=${thisYear - 1}`);
  await banner.getByRole("link", { name: "导入上年总结" }).click();
  await expect(page).toHaveURL(/\/import$/);
  expect(problems).toEqual([]);
});

test("a secretary sees no banner", async ({ page }) => {
  await login(page, "secretary");
  await page.goto("/board");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.getByText(`${thisYear}年度还没有计划`)).toHaveCount(0);
});

test("a future plan opens only when chosen; its task is 未开始 and absent from 我的待办 and 填报情况", async ({ browser }) => {
  const leader = await browser.newPage();
  await login(leader, "leader");
  await leader.goto(`/board?year=${futureYear}`);
  await expect(leader.getByRole("heading", { level: 1 })).toHaveText(`${futureYear}年度重点工作看板`);
  const card = leader.locator(".task-card", { hasText: FUTURE_TASK });
  await expect(card.locator(".light-upcoming")).toContainText("○未开始");
  await expect(card).toContainText(`${futureYear}年1月1日开始`);
  await leader.goto(`/reports?year=${futureYear}`);
  await expect(leader.getByRole("heading", { name: "填报情况" })).toBeVisible();
  await expect(leader.getByText(FUTURE_TASK)).toHaveCount(0);
  await leader.close();

  const secretary = await browser.newPage();
  await login(secretary, "secretary");
  await secretary.goto("/todo");
  await expect(secretary.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(secretary.getByText(FUTURE_TASK)).toHaveCount(0);
  await secretary.close();
});

test("with this year's plan, it opens by default and the banner is gone", async ({ page }) => {
  await moveCurrentPlan(ASIDE_YEAR, thisYear);
  await login(page, "leader");
  await page.goto("/board");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`${thisYear}年度重点工作看板`);
  await expect(page.getByText(`${thisYear}年度还没有计划`)).toHaveCount(0);
});

test.afterAll(async () => {
  // Whatever happened above, this year's plan is back in its year.
  await moveCurrentPlan(ASIDE_YEAR, thisYear);
});
