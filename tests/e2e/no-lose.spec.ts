// Never lose work: a stale drag is refused and the card shown where it really is; a conflicting
// edit is explained at the 保存 button; an offline 填报 on a phone stays and is sent once.
import { fileURLToPath } from "node:url";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { login } from "./session";
import { openDatabase } from "../../db/index";
import { reportableTask } from "./demo-data";

const PHONE = { viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true, locale: "zh-CN", timezoneId: "Asia/Shanghai" };
const DB_PATH = fileURLToPath(new URL("../.tmp/e2e/app.sqlite", import.meta.url));

// Two browser contexts each, and a wait for the 10 s poll: more than the default 30 s on a busy 2-core machine.
test.describe.configure({ mode: "serial", timeout: 90_000 });

const unique = (label: string) => `${label}${Date.now().toString(36).slice(-5)}${Math.floor(Math.random() * 100)}`;
const column = (page: Page, status: string) => page.locator(`section.board-column[data-status="${status}"]`);
const cardIn = (page: Page, status: string, title: string) => column(page, status).locator("li.task-card", { hasText: title });

async function signedIn(browser: Browser, username: string, options = {}): Promise<Page> {
  const context = await browser.newContext({ locale: "zh-CN", timezoneId: "Asia/Shanghai", ...options });
  const page = await context.newPage();
  await login(page, username);
  return page;
}

async function createTask(page: Page, title: string): Promise<number> {
  await page.goto("/board");
  const planId = await page.locator('.quick-add input[name="planId"]').first().inputValue();
  const origin = new URL(page.url()).origin;
  const response = await page.request.post("/board", {
    form: { intent: "quickAdd", planId, status: "not_started", title, back: "" },
    headers: { Origin: origin },
    maxRedirects: 0,
  });
  expect(response.status()).toBe(302);
  await page.goto(`/board?q=${encodeURIComponent(title)}`);
  return Number(await page.locator("li.task-card", { hasText: title }).getAttribute("data-task-id"));
}

async function hydrated(page: Page) {
  await page.waitForFunction(() => document.querySelector("[id^='DndLiveRegion']") !== null);
}

test("a drag from a stale board is refused with who moved it where; the card shows in its true column", async ({ browser }) => {
  const a = await signedIn(browser, "leader");
  const b = await signedIn(browser, "admin");
  const title = unique("过期拖动");
  const taskId = await createTask(a, title);
  await b.goto(`/board?q=${encodeURIComponent(title)}`);
  await hydrated(b);
  await expect(cardIn(b, "not_started", title)).toBeVisible();

  // A moves the card with the version its own page's 移动到 form carries (the version A saw).
  await a.goto(`/board/${taskId}`);
  const version = await a.locator('form.move-to-form input[name="version"]').inputValue();
  const origin = new URL(a.url()).origin;
  const moved = await a.request.post("/board", {
    form: { intent: "move", taskId: String(taskId), toStatus: "pending_review", beforeId: "", afterId: "", reason: "", version },
    headers: { Origin: origin },
  });
  expect(moved.status()).toBe(200);

  // B, still looking at 未启动, drags the card to 推进中.
  const from = (await cardIn(b, "not_started", title).locator(".task-card-meta").boundingBox())!;
  const target = (await column(b, "in_progress").locator(".board-column-cards").boundingBox())!;
  await b.mouse.move(from.x + 20, from.y + from.height / 2);
  await b.mouse.down();
  await b.mouse.move(from.x + 40, from.y + 30, { steps: 5 });
  await b.mouse.move(target.x + 30, target.y + 20, { steps: 15 });
  await b.mouse.up();

  const message = b.locator(".board-messages .board-message");
  await expect(message).toContainText("刘主任");
  await expect(message).toContainText("待验收");
  await expect(cardIn(b, "pending_review", title)).toBeVisible();
  await expect(cardIn(b, "in_progress", title)).toHaveCount(0);
  await b.screenshot({ path: "tests/.tmp/e2e/stale-move-1280.png" });
  await a.context().close();
  await b.context().close();
});

for (const width of [1280, 360]) {
  test(`at ${width} px, a card someone else moved arrives with a quiet note naming who moved it where`, async ({ browser }) => {
    const a = await signedIn(browser, "leader");
    const b = await signedIn(browser, "viewer", width === 360 ? PHONE : { viewport: { width, height: 800 } });
    const title = unique("他人移动");
    const taskId = await createTask(a, title);
    const code = (await a.locator(`li.task-card[data-task-id="${taskId}"] .task-code`).textContent())!.trim();
    await b.goto(`/board?q=${encodeURIComponent(title)}`);
    await hydrated(b);
    await expect(cardIn(b, "not_started", title)).toBeVisible();

    const origin = new URL(a.url()).origin;
    const moved = await a.request.post("/board", {
      form: { intent: "move", taskId: String(taskId), toStatus: "in_progress", beforeId: "", afterId: "", reason: "" },
      headers: { Origin: origin },
    });
    expect(moved.status()).toBe(200);

    // The poll (every 10 s) brings the move: the card in its new column and a polite note.
    await expect(cardIn(b, "in_progress", title)).toBeVisible({ timeout: 20_000 });
    const note = b.locator(".board-move-note");
    await expect(note).toContainText(`刘主任 把 ${code} 移到 推进中`);
    await expect(note).toHaveAttribute("aria-live", "polite");
    await note.scrollIntoViewIfNeeded();
    await b.screenshot({ path: `tests/.tmp/e2e/move-note-${width}.png` });
    await a.context().close();
    await b.context().close();
  });
}

async function fillEdit(page: Page, taskId: number) {
  await page.goto(`/board/${taskId}/edit`);
  await expect(page.getByRole("heading", { name: "编辑重点工作" })).toBeVisible();
}

for (const width of [1280, 360]) {
  test(`a conflicting edit at ${width} px lists only the overlapping field, in view and focused at the form`, async ({ browser }) => {
    const size = { viewport: { width, height: width === 360 ? 740 : 800 } };
    const a = await signedIn(browser, "leader", size);
    const b = await signedIn(browser, "admin", size);
    const title = unique("冲突编辑");
    const taskId = await createTask(a, title);
    await fillEdit(a, taskId);
    await fillEdit(b, taskId);
    await a.locator('.edit-form input[name="title"]').fill(`${title}甲`);
    await a.locator('.edit-form input[name="category"]').fill("民生保障");
    await a.locator(".edit-form").getByRole("button", { name: "保存" }).click();
    await expect(a).toHaveURL(new RegExp(`/board/${taskId}`));

    await b.locator('.edit-form input[name="title"]').fill(`${title}乙`);
    await b.locator(".edit-form").getByRole("button", { name: "保存" }).click();
    const feedback = b.locator(".edit-form .form-feedback");
    await expect(feedback).toContainText("已被他人修改");
    await expect(feedback.locator("tbody tr")).toHaveCount(1);
    await expect(feedback.locator("tbody th")).toHaveText("名称");
    await expect(feedback).toContainText("类别会一并保留");
    await expect(feedback).toBeFocused();
    await expect(feedback).toBeInViewport();
    await b.screenshot({ path: `tests/.tmp/e2e/conflict-${width}.png` });

    // Keep A's title: the save goes through and A's 类别 stays.
    await feedback.getByLabel(`${title}甲`).check();
    await b.locator(".edit-form").getByRole("button", { name: "保存" }).click();
    await expect(b).toHaveURL(new RegExp(`/board/${taskId}`));
    await expect(b.locator("#detail-title")).toHaveText(`${title}甲`);
    await expect(b.locator(".detail-panel")).toContainText("民生保障");
    await a.context().close();
    await b.context().close();
  });
}

for (const width of [360, 1280]) {
  test(`an offline 填报 at ${width} px stays with the offline message and is sent once when back online`, async ({ browser }) => {
    const page = await signedIn(browser, "leader", width === 360 ? PHONE : { viewport: { width, height: 800 } });
    const task = await reportableTask();
    await page.goto(`/tasks/${task.id}/update`);
    await expect(page.getByRole("heading", { level: 1 })).toContainText("填报进展");
    await page.waitForFunction(() => (document.querySelector('input[name="idempotencyKey"]') as HTMLInputElement | null)?.value !== "");
    const text = unique("断网时写的进展");
    await page.locator('textarea[name="body"]').fill(text);
    await page.locator('textarea[name="nextSteps"]').fill("下周继续走访");

    const posts: string[] = [];
    page.on("request", (request) => {
      if (request.method() === "POST" && request.url().includes(`/tasks/${task.id}/update`)) posts.push(request.url());
    });
    await page.context().setOffline(true);
    await page.locator("button[type=submit].primary").click();
    const offline = page.locator(".offline-notice");
    await expect(offline).toContainText("网络已断开，内容已保存在本机");
    await expect(offline.locator("..")).toBeFocused();
    await expect(offline).toBeInViewport();
    await expect(page.locator('textarea[name="body"]')).toHaveValue(text);
    await page.screenshot({ path: `tests/.tmp/e2e/offline-${width}.png` });
    expect(posts).toHaveLength(0);

    await page.context().setOffline(false);
    await page.waitForURL((url) => !url.pathname.endsWith("/update"));
    expect(posts).toHaveLength(1);
    const check = openDatabase(DB_PATH);
    const rows = await check
      .selectFrom("updates")
      .select(["body", "next_steps"])
      .where("task_id", "=", task.id)
      .where("body", "=", text)
      .execute();
    await check.destroy();
    expect(rows).toEqual([{ body: text, next_steps: "下周继续走访" }]);
    await page.context().close();
  });
}

test("a 填报 whose request is lost on the way (the browser still thinks it is online) says so, and reopening restores the text", async ({
  browser,
}) => {
  const page = await signedIn(browser, "leader", PHONE);
  const task = await reportableTask();
  await page.goto(`/tasks/${task.id}/update`);
  await page.waitForFunction(() => (document.querySelector('input[name="idempotencyKey"]') as HTMLInputElement | null)?.value !== "");
  const text = unique("半路丢失的进展");
  await page.locator('textarea[name="body"]').fill(text);

  await page.route(`**/tasks/${task.id}/update**`, (route) =>
    route.request().method() === "POST" ? route.abort("internetdisconnected") : route.continue(),
  );
  await page.locator("button[type=submit].primary").click();
  await expect(page.getByRole("heading", { name: "网络连接中断" })).toBeVisible();
  await expect(page.getByText("系统出错了")).toHaveCount(0);

  await page.unroute(`**/tasks/${task.id}/update**`);
  await page.getByRole("link", { name: "重新打开" }).click();
  await expect(page.locator('textarea[name="body"]')).toHaveValue(text);
  await page.context().close();
});
