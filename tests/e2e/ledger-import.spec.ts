// 计划台账, keyboard only: the seed's 10 tasks imported into a new year get a 责任领导, a 牵头单位,
// a 完成时限 (one bulk change) and a target each (typed into the grid) in at most 60 key presses,
// counted here. The file name ends in import.spec.ts: it runs in the "new-plan-years" project (it
// creates a plan year far ahead, removed again afterwards).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, test, type Page } from "@playwright/test";
import { openDatabase } from "../../db/index";
import { login, watchConsole } from "./session";

const seed = readFileSync(new URL("../../db/seed/pingdong-2024-summary.txt", import.meta.url), "utf8");
const databasePath = fileURLToPath(new URL("../.tmp/e2e/app.sqlite", import.meta.url));
// A summary of 2034, so the plan is 2035: a year no other spec uses.
const SUMMARY = seed.replaceAll("2025", "2035").replaceAll("2024", "2034").replaceAll("平东", "平中");
const YEAR = 2035;

async function removePlan(year: number) {
  const db = openDatabase(databasePath);
  try {
    const plan = await db.selectFrom("plans").select("id").where("year", "=", year).executeTakeFirst();
    if (!plan) return;
    await db.transaction().execute(async (trx) => {
      await trx.deleteFrom("metrics").where("plan_id", "=", plan.id).execute();
      await trx.deleteFrom("tasks").where("plan_id", "=", plan.id).execute();
      await trx.deleteFrom("source_documents").where("plan_id", "=", plan.id).execute();
      await trx.deleteFrom("summaries").where("plan_id", "=", plan.id).execute();
      await trx.deleteFrom("plans").where("id", "=", plan.id).execute();
    });
  } finally {
    await db.destroy();
  }
}

test.describe.configure({ mode: "serial" });

test.afterAll(async () => {
  await removePlan(YEAR);
});

/** Key presses, counted as a person would press them (a typed text counts one per character). */
function keyboard(page: Page) {
  let count = 0;
  return {
    get count() {
      return count;
    },
    async press(key: string, times = 1) {
      for (let i = 0; i < times; i++) {
        await page.keyboard.press(key);
        count++;
      }
    },
    async type(text: string) {
      await page.keyboard.type(text);
      count += [...text].length;
    },
  };
}

test("the seed's 10 tasks get 责任领导, 牵头单位, 完成时限 and a target in ≤ 60 key presses", async ({ page }) => {
  test.setTimeout(120_000);
  const problems = watchConsole(page);
  await login(page, "leader");
  await page.goto("/import");
  await page
    .getByLabel("选择文件")
    .setInputFiles({ name: "平中街道2034年工作总结.txt", mimeType: "text/plain", buffer: Buffer.from(SUMMARY, "utf8") });
  await page.getByRole("button", { name: "解析并预览" }).click();
  await expect(page.getByRole("heading", { name: "生成的任务（10项）" })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByLabel("导入到年度计划")).toHaveValue(String(YEAR));
  await page.getByRole("button", { name: "确认导入" }).click();
  await expect(page.getByRole("heading", { name: /导入完成：10项任务/ })).toBeVisible();

  await page.goto(`/ledger?year=${YEAR}`);
  const grid = page.getByRole("grid", { name: `${YEAR}年计划台账` });
  await expect(grid).toBeVisible();
  const rows = grid.locator("tbody tr:not(.group-row)");
  await expect(rows).toHaveCount(10);
  // The first cell has the keyboard when the page opens.
  await expect(grid.locator('[data-cell="0-1"]')).toBeFocused();

  const keys = keyboard(page);
  // Bulk: all rows, the first leader, the first unit, a deadline, applied with Enter.
  await keys.press("Control+A");
  await expect(page.locator('#ledger-bulk select[name="leaderId"]')).toBeFocused();
  await expect(page.locator(".bulk-count")).toHaveText("（已选10行）");
  await keys.press("ArrowDown");
  await keys.press("Tab");
  await keys.press("ArrowDown");
  await keys.press("Tab");
  await keys.type("11.30");
  await keys.press("Enter");
  await expect(page.getByText("已修改10项重点工作。")).toBeVisible();
  // The keyboard is back in the table: over to 目标值, then a number and Enter per row.
  await expect(grid.locator('[data-cell="0-1"]')).toBeFocused();
  await keys.press("ArrowRight", 7);
  await expect(grid.locator('[data-cell="0-8"]')).toBeFocused();
  for (let i = 0; i < 10; i++) {
    await keys.type(String(10 + i * 5));
    await keys.press("Enter");
  }
  expect(keys.count).toBeLessThanOrEqual(60);
  console.log(`计划台账: ${keys.count} key presses for 10 tasks`);

  // Every save has landed: after a reload each row has all four.
  await expect(grid.locator("td.is-saving")).toHaveCount(0);
  await page.reload();
  await expect(rows).toHaveCount(10);
  for (let i = 0; i < 10; i++) {
    const row = rows.nth(i);
    await expect(row.locator("td.col-leaderId")).not.toBeEmpty();
    await expect(row.locator("td.col-leadUnitId")).not.toBeEmpty();
    await expect(row.locator("td.col-dueDate")).toHaveText(`${YEAR}年11月30日`);
  }
  const targets = (await rows.locator("td.col-metricTarget .cell-text").allTextContents()).map(Number).sort((a, b) => a - b);
  expect(targets).toEqual(Array.from({ length: 10 }, (_, i) => 10 + i * 5));
  expect(problems).toEqual([]);
});

test("a cell edit: typing starts it, Esc cancels, a refused value shows its reason in the cell", async ({ page }) => {
  await login(page, "leader");
  await page.goto(`/ledger?year=${YEAR}`);
  const grid = page.getByRole("grid");
  await expect(grid.locator('[data-cell="0-1"]')).toBeFocused();
  const title = await grid.locator('[data-cell="0-1"] .cell-text').textContent();
  await page.keyboard.type("x");
  await expect(grid.getByRole("textbox")).toHaveValue("x");
  await page.keyboard.press("Escape");
  await expect(grid.locator('[data-cell="0-1"] .cell-text')).toHaveText(title!);
  // 牵头单位 "城" could be two units: refused, the old value back, the reason in the cell.
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  const before = await grid.locator('[data-cell="0-4"] .cell-text').textContent();
  await page.keyboard.press("Backspace");
  await page.keyboard.insertText("城");
  await page.keyboard.press("Enter");
  await expect(grid.locator('[data-cell="0-4"] .cell-error')).toContainText("请写全称");
  await expect(grid.locator('[data-cell="0-4"] .cell-text')).toHaveText(before!);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("each row is its own form: a changed 完成时限 and target are saved with the row's version", async ({ page }) => {
    await login(page, "leader");
    await page.goto(`/ledger?year=${YEAR}`);
    const row = page.locator("tbody tr:not(.group-row)").first();
    const code = (await row.locator("td.col-code").textContent())!.trim();
    await page.getByLabel(`${code} 完成时限`).fill(`${YEAR}-06-30`);
    await page.getByLabel(`${code} 目标值`).fill("77");
    await row.getByRole("button", { name: "保存" }).click();
    await expect(page.getByLabel(`${code} 完成时限`)).toHaveValue(`${YEAR}-06-30`);
    await expect(page.getByLabel(`${code} 目标值`)).toHaveValue("77");
    // A bad value comes back with its reason, and nothing of the row is saved.
    await page.getByLabel(`${code} 目标值`).fill("七十");
    await page.getByLabel(`${code} 类别`).fill("改过的类别");
    await row.getByRole("button", { name: "保存" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "目标值「七十」不是数字" })).toBeVisible();
    await page.goto(`/ledger?year=${YEAR}`);
    await expect(page.getByLabel(`${code} 目标值`)).toHaveValue("77");
    await expect(page.getByLabel(`${code} 类别`)).not.toHaveValue("改过的类别");
  });
});
