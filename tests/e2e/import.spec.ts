import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { login } from "./session";
import iconv from "iconv-lite";
import { demoYears, withDb } from "./demo-data";

// Next year's plan: summary.spec (run just before, see playwright.config.ts) started it from this
// year's summary; the imports add to it, so this year's plan, which the other specs open, stays as it was.
const { next } = demoYears();

/** The code the next task added to a plan gets ("2027-15"): one past the highest of the year. */
async function nextCode(year: number): Promise<string> {
  const codes = await withDb((db) =>
    db.selectFrom("tasks").innerJoin("plans", "plans.id", "tasks.plan_id").select("tasks.code").where("plans.year", "=", year).execute(),
  );
  const used = codes.map((c) => (c.code.startsWith(`${year}-`) ? Number(c.code.slice(5)) : 0));
  return `${year}-${String(Math.max(0, ...used) + 1).padStart(2, "0")}`;
}

const seed = readFileSync(new URL("../../db/seed/pingdong-2024-summary.txt", import.meta.url), "utf8");
const provincial = readFileSync(new URL("../fixtures/importer/provincial-report-runin.txt", import.meta.url), "utf8");

const loginAsLeader = (page: Page) => login(page, "leader");

async function uploadGbk(page: Page, text: string, name: string) {
  await page.goto("/import");
  await page.getByLabel("选择文件").setInputFiles({ name, mimeType: "text/plain", buffer: iconv.encode(text, "gbk") });
  await page.getByRole("button", { name: "解析并预览" }).click();
  await expect(page.getByRole("heading", { name: /生成的任务（\d+项）/ })).toBeVisible();
}

test("the seed uploaded as GBK is recognised as the document the first start imported", async ({ page }) => {
  await loginAsLeader(page);
  await uploadGbk(page, seed, "平东街道2024年工作总结.txt");
  await expect(page.getByRole("heading", { name: "生成的任务（10项）" })).toBeVisible();
  await expect(page.getByRole("alert")).toContainText("导入过");
  await expect(page.getByRole("button", { name: "确认导入" })).toBeDisabled();
});

test("a GBK summary is previewed, one item deselected, committed, and its tasks shown", async ({ page }) => {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await loginAsLeader(page);
  const otherStreet = seed.replaceAll("平东", "平北").replace("2024年10月31日", "2024年11月8日");
  await uploadGbk(page, otherStreet, "平北街道2024年工作总结.txt");
  await expect(page.getByText("平北街道", { exact: true })).toBeVisible();
  await expect(page.getByText("2024年10月31日")).toHaveCount(0);
  await page.getByRole("checkbox", { name: "导入 四.3" }).uncheck();
  await page.getByLabel("导入到年度计划").selectOption(String(next));
  const firstCode = await nextCode(next);
  await page.getByRole("button", { name: "确认导入" }).click();
  await expect(page.getByRole("heading", { name: /导入完成：9项任务/ })).toBeVisible();
  const list = page.locator(".imported-list li");
  await expect(list).toHaveCount(9);
  await expect(list.first()).toContainText(firstCode);
  await expect(page.locator(".imported-list")).not.toContainText("四.3）");
  expect(errors).toEqual([]);
});

test("a provincial report: 5 tasks with their targets kept in 10 clicks, 远景目标 and other figures left out", async ({ page }) => {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await loginAsLeader(page);
  await page.goto("/import");
  let clicks = 0;
  await page
    .getByLabel("选择文件")
    .setInputFiles({ name: "云岭省政府工作报告.txt", mimeType: "text/plain", buffer: Buffer.from(provincial, "utf8") });
  clicks++; // choosing the file
  await page.getByRole("button", { name: "解析并预览" }).click();
  clicks++;
  await expect(page.locator(".facts")).toContainText("计划年度2026年");
  await expect(page.getByLabel("导入到年度计划")).toHaveValue("2026");

  const keyWork = page.locator("fieldset", { has: page.locator("legend", { hasText: "2026年重点工作" }) });
  const problems = page.locator("fieldset", { has: page.locator("legend", { hasText: "存在问题" }) });
  await expect(keyWork.locator("legend")).toHaveText("2026年重点工作（已选10/10）");
  // 远景目标 are offered apart and unticked; the other figures are collapsed and unticked.
  await expect(page.locator('input[name="task"][value^="vision:"]:checked')).toHaveCount(0);
  await expect(page.locator('input[name="metric"]:checked')).toHaveCount(0);
  await expect(page.getByText("展开其他数字")).toBeVisible();

  await keyWork.getByRole("button", { name: "全不选" }).click();
  clicks++;
  await expect(keyWork.locator("legend")).toHaveText("2026年重点工作（已选0/10）");
  for (const ref of ["三.（一）", "三.（二）", "三.（六）", "三.（八）", "三.（九）"]) {
    await page.getByRole("checkbox", { name: `导入 ${ref}` }).check();
    clicks++;
  }
  await expect(keyWork.locator("legend")).toHaveText("2026年重点工作（已选5/10）");
  await expect(keyWork.locator('input[name="target"]:checked')).toHaveCount(15);
  await problems.getByRole("button", { name: "全不选" }).click();
  clicks++;
  // Not a user's click (the report's own year, 2026, is its default): the test adds to next
  // year's plan, so this year's plan, which the other specs open, stays as it was.
  await page.getByLabel("导入到年度计划").selectOption(String(next));
  await page.getByRole("button", { name: "确认导入" }).click();
  clicks++;
  await expect(page.getByRole("heading", { name: "导入完成：5项任务，15项指标" })).toBeVisible();
  expect(clicks).toBeLessThanOrEqual(10);
  expect(errors).toEqual([]);
});

test("a PDF is refused with a message that says what to do", async ({ page }) => {
  await loginAsLeader(page);
  await page.goto("/import");
  await page.getByLabel("选择文件").setInputFiles({ name: "总结.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4\n...") });
  await page.getByRole("button", { name: "解析并预览" }).click();
  await expect(page.getByRole("alert")).toContainText("另存为 .docx");
});
