import { expect, test } from "@playwright/test";
import { login } from "./session";

// The first start's demo, as a new user tours it: every demo account signs in and finds its own
// 我的待办 with something to do (the viewer is told it has nothing to handle), and the board
// opens on this year (Shanghai), started from last year's 定稿 summary.
const ACCOUNTS = [
  "admin",
  "leader",
  "secretary",
  "longteng",
  "fengyi",
  "chengdong",
  "huihuang",
  "dangjian",
  "jingji",
  "zhengwu",
  "chengguan",
  "anquan",
  "shiwu",
  "zonghe",
];
const thisYear = Number(new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric" }).format(new Date()));

for (const username of ACCOUNTS) {
  test(`demo tour: ${username} sees its own 我的待办 with something to do`, async ({ page }) => {
    await login(page, username);
    await page.goto("/todo");
    await expect(page.getByRole("heading", { level: 1, name: "我的待办" })).toBeVisible();
    await expect(page.getByText("暂无待办")).toHaveCount(0);
    await expect(page.locator(".todo-list li").first()).toBeVisible();
  });
}

test("demo tour: the viewer's 我的待办 says there is nothing to handle; the board opens on this year", async ({ page }) => {
  await login(page, "viewer");
  await page.goto("/todo");
  await expect(page.getByText("查看账号没有需要处理的事项。")).toBeVisible();
  await page.goto("/board");
  await expect(page.getByRole("heading", { level: 1, name: `${thisYear}年度重点工作看板` })).toBeVisible();
  await expect(page.locator("li.task-card")).not.toHaveCount(0);
  expect(await page.locator("li.task-card").count()).toBeGreaterThanOrEqual(8);
  // Last year's summary is 定稿 and reads as the basis of this year.
  await page.goto(`/summary?year=${thisYear - 1}`);
  await expect(page.getByText("定稿").first()).toBeVisible();
});
