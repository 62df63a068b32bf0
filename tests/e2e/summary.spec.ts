// The year-end loop in the browser: generate this year's summary (the demo's plan of the year;
// last year's is already 定稿), edit a section (autosave with JavaScript, a plain form post
// without), export, 定稿, start next year and land on its board. Years are today's (Shanghai),
// so the spec means the same next year. It runs in its own project before import.spec and
// plan-years.spec, which add to the plan it starts.
import { expect, test, type Browser, type Page } from "@playwright/test";
import { login as loginAs } from "./session";
import { demoYears } from "./demo-data";

const { current: year, next } = demoYears();

const login = (page: Page, username = "leader") => loginAs(page, username);

/** A leader's session (signed in with JavaScript) in a context without JavaScript. */
async function withoutJs(browser: Browser, signedIn: Page) {
  await login(signedIn);
  const context = await browser.newContext({ javaScriptEnabled: false, storageState: await signedIn.context().storageState() });
  const page = await context.newPage();
  return { context, page };
}

test.describe.configure({ mode: "serial" });

test("a leader generates the draft and edits a section; it autosaves", async ({ page }) => {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await login(page);
  await page.getByRole("link", { name: "总结", exact: true }).click();
  await expect(page.getByRole("heading", { name: `${year}年度总结草稿` })).toBeVisible();
  await page.getByRole("button", { name: "生成总结草稿" }).click();
  const paper = page.getByRole("article", { name: "总结全文" });
  await expect(paper.getByRole("heading", { name: `平东街道${year}年工作总结` })).toBeVisible();
  for (const heading of ["一、亮点工作", `二、${year}年主要工作`, "三、存在问题", `四、${next}年重点工作安排`]) {
    await expect(paper.getByRole("heading", { name: heading })).toBeVisible();
  }
  await expect(page.getByText("当前版本 1")).toBeVisible();

  await page.getByRole("link", { name: "编辑“三、存在问题”" }).click();
  const body = page.getByLabel(/正文/);
  await expect(body).toBeFocused();
  await body.press("Control+End");
  await body.pressSequentially("\n3.宣传方式仍较单一，群众参与度不高。");
  await expect(page.getByRole("status")).toContainText("已自动保存");
  await page.getByRole("link", { name: "完成", exact: true }).click();
  await expect(paper.getByText("3.宣传方式仍较单一，群众参与度不高。")).toBeVisible();
  await expect(page.getByText("当前版本 2")).toBeVisible();
  expect(errors).toEqual([]);
});

test("without JavaScript a section is saved with the button, and versions compare", async ({ browser, page: signedIn }) => {
  const { context, page } = await withoutJs(browser, signedIn);
  await page.goto(`/summary?year=${year}`);
  await page.getByRole("link", { name: "编辑“开头段”" }).click();
  await page.getByLabel(/正文/).fill(`${year}年，平东街道扎实推进各项重点工作。现将有关情况总结如下：`);
  await page.getByRole("button", { name: "保存并完成" }).click();
  await expect(page.getByText(`${year}年，平东街道扎实推进各项重点工作。现将有关情况总结如下：`)).toBeVisible();
  // The same person's edits within minutes stay in one version (autosave coalescing).
  await expect(page.getByText("当前版本 2")).toBeVisible();
  await expect(page.getByRole("cell", { name: "编辑：三、存在问题、开头段" })).toBeVisible();

  await page.getByLabel("比较版本").selectOption("1");
  await page.getByLabel("与版本").selectOption("2");
  await page.getByRole("button", { name: "比较" }).click();
  const diff = page.getByRole("region", { name: /版本1 → 版本2 的改动/ });
  await expect(diff.getByRole("heading", { name: "开头段" })).toBeVisible();
  await expect(diff.getByRole("heading", { name: "三、存在问题" })).toBeVisible();
  await expect(diff.locator("ins", { hasText: "宣传方式仍较单一" })).toBeVisible();
  await context.close();
});

test("exports the .docx, .txt and .md", async ({ page }) => {
  await login(page);
  await page.goto(`/summary?year=${year}`);
  const [docx] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Word 公文（.docx）" }).click()]);
  expect(docx.suggestedFilename()).toBe(`平东街道${year}年工作总结（版本2）.docx`);
  const docxBytes = await (await docx.createReadStream()).toArray();
  expect(Buffer.concat(docxBytes).subarray(0, 2).toString()).toBe("PK");
  const [txt] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "纯文本（.txt）" }).click()]);
  const text = Buffer.concat(await (await txt.createReadStream()).toArray()).toString("utf8");
  expect(text.startsWith(`平东街道${year}年工作总结\n\n${year}年，平东街道扎实推进各项重点工作。`)).toBe(true);
  expect(text).toContain("3.宣传方式仍较单一，群众参与度不高。");
  const [md] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Markdown（.md）" }).click()]);
  expect(md.suggestedFilename()).toMatch(/\.md$/);
});

test("a viewer reads the summary but cannot edit, export or start the next year", async ({ page }) => {
  await login(page, "viewer");
  await page.goto(`/summary?year=${year}`);
  await expect(page.getByRole("heading", { name: `平东街道${year}年工作总结` })).toBeVisible();
  await expect(page.getByRole("link", { name: /编辑/ })).toHaveCount(0);
  await expect(page.getByRole("link", { name: /\.docx/ })).toHaveCount(0);
  const response = await page.goto(`/summary/next-year?year=${year}`);
  expect(response?.status()).toBe(403);
});

/** With SCREENSHOTS=<dir>, the pages at 1280 and 360 px wide, for a person to look at. */
async function screenshots(page: Page, name: string) {
  const dir = process.env.SCREENSHOTS;
  if (!dir) return;
  for (const width of [1280, 360]) {
    await page.setViewportSize({ width, height: 1400 });
    await page.screenshot({ path: `${dir}/${name}-${width}.png` });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

test("明年工作思路: a leader adds a 民生 item; the regenerated draft's 四 is written from it", async ({ page }) => {
  page.on("dialog", (dialog) => dialog.accept());
  await login(page);
  await page.goto(`/summary?year=${year}`);
  await page.getByRole("link", { name: `${next}年工作思路` }).click();
  await expect(page.getByRole("heading", { name: `${next}年工作思路` })).toBeVisible();
  // This year's unfinished tasks are ticked as 继续推进.
  await expect(page.getByRole("checkbox", { name: "纳入" }).first()).toBeVisible();
  // Owners a task lacks (tasks other specs added with 快速添加 have none) are prefilled from the
  // category's usual owner and marked 建议; the blank rows for new priorities are prefilled the same way.
  // The group is collapsed while the year has no 民生保障 task; the demo gives it one, another spec may too.
  const livelihood = page.locator(".outline-category", { hasText: "民生保障工作" });
  if (await livelihood.evaluate((group) => group.tagName === "DETAILS")) await livelihood.locator("summary").click();
  await expect(livelihood.getByText("建议").first()).toBeVisible();
  await expect(livelihood.getByRole("combobox", { name: /责任领导/ }).first()).not.toHaveValue("");
  const newRow = livelihood.locator(".outline-row", { has: page.getByLabel("新的重点工作（填写即纳入）") }).first();
  await newRow.getByLabel("新的重点工作（填写即纳入）").fill("推进社区养老服务站建设");
  await newRow.getByLabel("责任领导").selectOption({ index: 1 });
  await newRow.getByLabel("牵头单位").selectOption({ label: "东晟社区" });
  await screenshots(page, "outline");
  await page.getByRole("button", { name: "保存工作思路" }).click();
  await expect(page.getByRole("status")).toContainText("已保存");
  await page.getByRole("link", { name: "回到总结草稿" }).click();
  await expect(page.getByRole("heading", { name: `${year}年度总结草稿` })).toBeVisible();
  await page.getByRole("button", { name: "按最新数据重新生成" }).click();
  await expect(page.getByText("当前版本 3")).toBeVisible();
  const paper = page.getByRole("article", { name: "总结全文" });
  await expect(paper.getByText(/推进社区养老服务站建设。由东晟社区牵头/)).toBeVisible();
  await expect(paper).not.toContainText("督办灯");
  await paper.getByRole("heading", { name: `四、${next}年重点工作安排` }).scrollIntoViewIfNeeded();
  await screenshots(page, "draft");
});

test("定稿, then 开启下一年度 creates the plan and shows its board; the continued cards of this year are 已结转", async ({ page }) => {
  await login(page);
  await page.goto(`/summary?year=${year}`);
  await page.getByRole("button", { name: "定稿" }).click();
  await expect(page.locator(".summary-status")).toContainText("已定稿");
  await page.getByRole("link", { name: `开启${next}年度` }).click();
  await expect(page.getByRole("heading", { name: `开启${next}年度` })).toBeVisible();
  await expect(page.getByRole("group", { name: new RegExp(`重点工作（来自${next}年工作思路`) })).toBeVisible();
  await expect(page.getByText(new RegExp(`结转自 ${year}-`)).first()).toBeVisible();
  await expect(page.getByText(new RegExp(`民生保障 · 责任领导 .+ · 牵头单位 东晟社区 · 完成时限 ${next}年12月31日`))).toBeVisible();
  await page.getByRole("button", { name: `建立${next}年度计划` }).click();
  await expect(page).toHaveURL(new RegExp(`/board\\?year=${next}$`));
  await expect(page.getByText("推进社区养老服务站建设").first()).toBeVisible();
  const again = await page.request.get(`/board?year=${next}`);
  expect(again.status()).toBe(200);

  // This year's board lists the continued cards apart, as 已结转, linked to next year's.
  await page.goto(`/board?year=${year}`);
  const carried = page.getByRole("region", { name: /已结转/ });
  await expect(carried).toBeVisible();
  await expect(carried.getByRole("link", { name: new RegExp(`${next}年 ${next}-`) }).first()).toBeVisible();
  await screenshots(page, "board-carried");

  // Starting again is refused, with a way to the new board.
  await page.goto(`/summary/next-year?year=${year}`);
  await expect(page.getByRole("alert")).toContainText(`${next}年度计划已经存在`);
  await expect(page.getByRole("link", { name: `查看${next}年看板` })).toBeVisible();
});
