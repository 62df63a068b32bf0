import { expect, test, type Page } from "@playwright/test";
import { submitLogin as login, watchConsole } from "./session";

async function logout(page: Page) {
  await page.locator(".usermenu summary").click();
  await page.getByRole("button", { name: "退出登录" }).click();
  await expect(page).toHaveURL(/\/login$/);
}

const NAV_BY_ROLE: Record<string, string[]> = {
  admin: ["看板", "计划台账", "我的待办", "填报情况", "督办通报", "指标", "总结", "导入", "管理"],
  leader: ["看板", "计划台账", "我的待办", "填报情况", "督办通报", "指标", "总结", "导入"],
  secretary: ["看板", "我的待办", "指标", "总结"],
  viewer: ["看板", "我的待办", "指标", "总结"],
};

for (const [username, links] of Object.entries(NAV_BY_ROLE)) {
  test(`${username} logs in, sees the shell for the role, and logs out`, async ({ page }) => {
    const problems = watchConsole(page);
    await login(page, username);
    await expect(page).toHaveURL(/\/board$/);
    const nav = page.getByRole("navigation", { name: "主导航" });
    await expect(nav.getByRole("link")).toHaveText(links);
    await logout(page);
    await page.goto("/board");
    await expect(page).toHaveURL(/\/login\?redirectTo=%2Fboard$/);
    expect(problems).toEqual([]);
  });
}

test("logging in and out works without JavaScript", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await login(page, "viewer");
  await expect(page).toHaveURL(/\/board$/);
  await page.locator(".usermenu summary").click();
  await page.getByRole("button", { name: "退出登录" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await context.close();
});

test("a wrong password is refused without saying whether the account exists", async ({ page }) => {
  await login(page, "leader", "wrong-password");
  await expect(page.getByRole("alert")).toHaveText(/用户名或密码错误/);
  await expect(page.getByLabel("用户名")).toHaveValue("leader");
  await login(page, "no-such-user", "wrong-password");
  await expect(page.getByRole("alert")).toHaveText(/用户名或密码错误/);
});

test("the 6th wrong password in a row is rate-limited with the wait", async ({ page }) => {
  for (let attempt = 1; attempt <= 5; attempt++) {
    await login(page, "ghost", `wrong-${attempt}`);
    await expect(page.getByRole("alert")).toHaveText(/用户名或密码错误/);
  }
  await login(page, "ghost", "wrong-6");
  await expect(page.getByRole("alert")).toHaveText(/登录失败次数过多.*请\d+(秒|分钟)后再试/);
});

test("a secretary is refused an admin page with a Chinese 403 page", async ({ page }) => {
  await login(page, "secretary");
  await expect(page).toHaveURL(/\/board$/);
  const response = await page.goto("/admin/users");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "没有权限" })).toBeVisible();
  await expect(page.getByRole("link", { name: "返回首页" })).toBeVisible();
});

test("a forged cross-site POST is refused even with the admin's cookie", async ({ page }) => {
  await login(page, "admin");
  await expect(page).toHaveURL(/\/board$/);
  const forged = await page.request.post("/admin/users", {
    headers: { Origin: "https://evil.example" },
    form: { intent: "create", username: "forged", displayName: "伪造", role: "admin" },
    maxRedirects: 0,
  });
  expect(forged.status()).toBe(403);
  await page.goto("/admin/users");
  await expect(page.getByRole("cell", { name: "forged", exact: true })).toHaveCount(0);
});

test("an admin creates a user who must set a password at first login", async ({ page, browser }) => {
  const problems = watchConsole(page);
  await login(page, "admin");
  await expect(page).toHaveURL(/\/board$/);
  await page.goto("/admin/users");
  await page.getByLabel("用户名（登录用）").fill("fengyi2");
  await page.getByLabel("姓名").fill("丰翼 赵书记");
  await page.getByLabel("角色").selectOption("secretary");
  await page.getByLabel(/所属单位/).selectOption({ label: "丰翼社区" });
  await page.getByRole("button", { name: "创建用户" }).click();
  const notice = page.getByRole("status");
  await expect(notice).toContainText("已创建用户 fengyi2");
  const oneTime = (await notice.locator("code").textContent())!.trim();
  expect(problems).toEqual([]);

  const other = await browser.newContext();
  const newcomer = await other.newPage();
  await login(newcomer, "fengyi2", oneTime);
  await expect(newcomer).toHaveURL(/\/settings\/password$/);
  await newcomer.getByLabel("一次性密码（当前密码）").fill(oneTime);
  await newcomer.getByLabel("新密码（至少8个字符）").fill("Fengyi#2025");
  await newcomer.getByLabel("再次输入新密码").fill("Fengyi#2025");
  await newcomer.getByRole("button", { name: "保存新密码" }).click();
  await expect(newcomer).toHaveURL(/\/board$/);
  await other.close();
});

test("an admin opens a user's edit page from the list and can clear login delays there", async ({ page }) => {
  const problems = watchConsole(page);
  await login(page, "admin");
  await expect(page).toHaveURL(/\/board$/);
  await page.goto("/admin/users");
  const row = page.getByRole("row").filter({ hasText: "secretary" }).first();
  await row.getByRole("link", { name: "编辑" }).click();
  await expect(page).toHaveURL(/\/admin\/users\/\d+$/);
  await expect(page.getByRole("heading", { name: /编辑用户：secretary/ })).toBeVisible();
  // The list is not drawn over the edit page (the edit route used to nest in the list without an outlet).
  await expect(page.getByRole("button", { name: "创建用户" })).toHaveCount(0);
  await page.getByRole("button", { name: "解除登录限制" }).click();
  await expect(page.getByText("已解除登录限制")).toBeVisible();
  expect(problems).toEqual([]);
});

test("every page of the shell renders in the browser without errors or CSP violations", async ({ page }) => {
  // Many pages over two plans' demo data, on a shared 2-core machine.
  test.setTimeout(120_000);
  const problems = watchConsole(page);
  await login(page, "admin");
  await expect(page).toHaveURL(/\/board$/);
  for (const path of [
    "/board",
    "/todo",
    "/reports",
    "/kpi",
    "/summary",
    "/import",
    "/admin/users",
    "/admin/units",
    "/admin/plans",
    "/settings/password",
  ]) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
    await expect(page.getByRole("heading", { name: "系统出错了" })).toHaveCount(0);
  }
  // Client-side navigation too: the route modules must work after hydration.
  await page.goto("/board");
  await page.getByRole("link", { name: "管理", exact: true }).click();
  await expect(page).toHaveURL(/\/admin\/users$/);
  await expect(page.getByRole("heading", { name: /用户（\d+）/ })).toBeVisible();
  const tabs = page.getByRole("navigation", { name: "管理分类" });
  await tabs.getByRole("link", { name: "单位", exact: true }).click();
  await expect(page).toHaveURL(/\/admin\/units$/);
  await expect(page.getByRole("heading", { name: /单位（\d+）/ })).toBeVisible();
  await tabs.getByRole("link", { name: "年度计划" }).click();
  await expect(page).toHaveURL(/\/admin\/plans$/);
  await expect(page.getByRole("heading", { name: /年度计划（\d+）/ })).toBeVisible();
  expect(problems.filter((p) => !p.includes("favicon"))).toEqual([]);
});
