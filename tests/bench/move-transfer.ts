// `move-transfer`: the bytes the browser downloads for one drag-and-drop move, measured in
// Chromium. A real mouse drag on the board of the large plan (the 1,000-task plan in a full
// run: the move must not cost more there than on a small board, so the board is not fetched
// again), counting every response the move causes — the move's own answer and any
// revalidation — headers and bodies as the network stack saw them. The live poll (a timer,
// not the move) is left out.
import { chromium } from "playwright";
import type { CaseResult } from "./run";
import type { RunningServer } from "./harness";

export const MOVE_TRANSFER_BUDGET = 5_000;

export async function moveTransfer(app: RunningServer, cookie: string, year: number): Promise<CaseResult> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "zh-CN", timezoneId: "Asia/Shanghai" });
    const [name, ...value] = cookie.split("=");
    await context.addCookies([{ name, value: value.join("="), url: app.url }]);
    const page = await context.newPage();
    await page.goto(`${app.url}/board?year=${year}`, { timeout: 120_000 });
    // dnd-kit adds its live region once the board has hydrated.
    await page.waitForFunction(() => document.querySelector("[id^='DndLiveRegion']") !== null, undefined, { timeout: 120_000 });
    // What the page fetches by itself once hydrated (the routes its links lead to, the chunk of
    // rarely used parts) is not the move's: on a slow machine it was still under way when the
    // drag began, and counted (6,730 bytes instead of 2,867).
    await page.waitForLoadState("networkidle");

    const card = page.locator('section.board-column[data-status="not_started"] li.task-card:has(.task-handle)').first();
    const taskId = await card.getAttribute("data-task-id");
    if (!taskId) throw new Error("no movable card in 未启动");
    await card.scrollIntoViewIfNeeded();
    const from = (await card.locator(".task-card-meta").boundingBox())!;

    let bytes = 0;
    const requests: string[] = [];
    const pending: Promise<void>[] = [];
    page.on("requestfinished", (request) => {
      if (new URL(request.url()).pathname === "/board/poll") return;
      pending.push(
        request.sizes().then((sizes) => {
          bytes += sizes.responseHeadersSize + sizes.responseBodySize;
          requests.push(`${request.method()} ${request.url()}`);
        }),
      );
    });

    const answered = page.waitForResponse((response) => response.request().method() === "POST" && response.url().includes("/board"));
    await page.mouse.move(from.x + 20, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(from.x + 40, from.y + 30, { steps: 5 });
    const target = (await page.locator('section.board-column[data-status="in_progress"] .board-column-cards').boundingBox())!;
    await page.mouse.move(target.x + 30, Math.max(target.y + 20, 10), { steps: 10 });
    await page.mouse.up();
    const response = await answered;
    if (!response.ok()) throw new Error(`move answered ${response.status()}`);
    await page
      .locator(`section.board-column[data-status="in_progress"] li.task-card[data-task-id="${taskId}"]:not(.is-pending)`)
      .waitFor({ timeout: 30_000 });
    await page.waitForLoadState("networkidle");
    await Promise.all(pending);
    if (!requests.some((r) => r.startsWith("POST"))) throw new Error("the drag sent no move");
    process.stderr.write(`move-transfer: ${bytes} bytes (${requests.join(", ")})\n`);
    return {
      name: "move-transfer",
      ours: bytes,
      baseline: 0,
      ratio: 0,
      unit: "bytes",
      budget: MOVE_TRANSFER_BUDGET,
      ok: bytes <= MOVE_TRANSFER_BUDGET,
    };
  } finally {
    await browser.close();
  }
}
