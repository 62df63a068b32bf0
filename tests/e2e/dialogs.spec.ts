import { expect, test, type Page } from "@playwright/test";
import { login, submitLogin } from "./session";
import { reportableTask } from "./demo-data";

// Keyboard checks of issue 26: task panels are modal in fact, focus returns to where it came from, and
// a refused submit puts focus on the error summary instead of <body>.

const focusedInside = (page: Page, selector: string) =>
  page.evaluate((sel) => Boolean(document.activeElement && document.activeElement.closest(sel)), selector);

test("task detail: the board behind is inert, Tab and Shift+Tab stay inside, Escape returns to the card", async ({ page }) => {
  await login(page, "leader");
  await page.goto("/board");
  const cardLink = page.locator("li.task-card a[href^='/board/']").first();
  const href = (await cardLink.getAttribute("href"))!;
  await cardLink.focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`${href.split("?")[0]}`));
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  await expect.poll(() => focusedInside(page, "[role=dialog]")).toBe(true);

  // Everything outside the dialog is inert while it is open.
  expect(await page.evaluate(() => Boolean(document.querySelector("li.task-card")?.closest("[inert]")))).toBe(true);

  for (let i = 0; i < 40; i++) {
    await page.keyboard.press("Tab");
    expect(await focusedInside(page, "[role=dialog]"), `Tab #${i + 1} left the dialog`).toBe(true);
  }
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press("Shift+Tab");
    expect(await focusedInside(page, "[role=dialog]"), `Shift+Tab #${i + 1} left the dialog`).toBe(true);
  }

  await page.keyboard.press("Escape");
  await expect(page).toHaveURL(/\/board(\?.*)?$/);
  await expect(dialog).toHaveCount(0);
  expect(await page.evaluate(() => Boolean(document.querySelector("li.task-card")?.closest("[inert]")))).toBe(false);
  await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("href") ?? document.activeElement?.tagName)).toBe(href);
});

test("task edit opened by its address: closing it and then the detail lands on the task's card", async ({ page }) => {
  await login(page, "leader");
  await page.goto("/board");
  const href = (await page.locator("li.task-card a[href^='/board/']").first().getAttribute("href"))!;
  const detail = href.split("?")[0];
  await page.goto(`${detail}/edit`);
  await expect(page.getByRole("dialog", { name: "编辑重点工作" })).toBeVisible();
  await expect.poll(() => focusedInside(page, "[role=dialog]")).toBe(true);
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press("Tab");
    expect(await focusedInside(page, "[role=dialog]"), `Tab #${i + 1} left the edit panel`).toBe(true);
  }
  await page.getByRole("dialog").focus();
  await page.keyboard.press("Escape");
  await expect(page).toHaveURL(new RegExp(`${detail}(\\?.*)?$`));
  await expect(page.getByRole("dialog", { name: "编辑重点工作" })).toHaveCount(0);
  await expect.poll(() => focusedInside(page, "[role=dialog]")).toBe(true);
  await page.keyboard.press("Escape");
  await expect(page).toHaveURL(/\/board(\?.*)?$/);
  await expect
    .poll(() => page.evaluate(() => document.activeElement?.closest("li.task-card")?.querySelector("a")?.getAttribute("href")))
    .toBe(href);
});

test("a refused login puts focus on the error summary, whose links lead to the bad fields", async ({ page }) => {
  await submitLogin(page, "no-such-user", "wrong-password-1");
  const summary = page.locator(".error-summary");
  await expect(summary).toContainText("用户名或密码");
  await expect(summary).toBeFocused();

  await page.goto("/login");
  await page.getByRole("button", { name: "登录" }).click();
  await expect(summary).toBeFocused();
  await summary.getByRole("link", { name: /^密码：/ }).click();
  await expect(page.locator("#login-password")).toBeFocused();
});

test("a refused task edit: the summary at 保存 is focused and its link leads to the bad field", async ({ page }) => {
  await login(page, "leader");
  await page.goto("/board");
  const href = (await page.locator("li.task-card a[href^='/board/']").first().getAttribute("href"))!;
  await page.goto(`${href.split("?")[0]}/edit`);
  const dialog = page.getByRole("dialog", { name: "编辑重点工作" });
  await dialog.getByLabel("名称", { exact: true }).first().fill("");
  await dialog.getByRole("button", { name: "保存" }).click();
  const feedback = dialog.locator(".form-feedback");
  await expect(feedback).toBeFocused();
  await expect(feedback).toBeInViewport();
  await feedback.getByRole("link", { name: /^名称：/ }).click();
  await expect(dialog.locator("input[name=title]")).toBeFocused();
});

test("a refused 填报: the feedback is focused and its link leads to the empty 本周进展", async ({ page }) => {
  await login(page, "leader");
  await page.goto("/board");
  // A card of this year with a 牵头单位, still 推进中: it can be reported on.
  const { code } = await reportableTask();
  const href = (await page.locator("li.task-card", { hasText: code }).locator("a[href^='/board/']").first().getAttribute("href"))!;
  const taskId = href.split("?")[0].split("/").pop();
  await page.goto(`/tasks/${taskId}/update`);
  const body = page.locator("textarea[name=body]");
  await body.fill("");
  await page.getByRole("button", { name: /提交填报|保存修改/ }).click();
  const feedback = page.locator(".form-feedback").first();
  await expect(feedback).toBeFocused();
  await feedback.getByRole("link", { name: /^本周进展：/ }).click();
  await expect(body).toBeFocused();
});
