import { expect, type Page } from "@playwright/test";

/** The demo accounts' password in the e2e server (see playwright.config.ts). */
export const DEMO_PASSWORD = "demo-pass-2025";

/** Fills and submits the login form; says nothing about the outcome. */
export async function submitLogin(page: Page, username: string, password = DEMO_PASSWORD) {
  await page.goto("/login");
  await page.getByLabel("用户名").fill(username);
  await page.getByLabel("密码").fill(password);
  await page.getByRole("button", { name: "登录" }).click();
}

/** Signs in as a demo account and waits until the login page is left behind. */
export async function login(page: Page, username: string) {
  await submitLogin(page, username);
  await expect(page).not.toHaveURL(/\/login/);
}

/** Console errors and uncaught page errors (CSP violations log as console errors); must stay empty. */
export function watchConsole(page: Page) {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(error.message));
  return problems;
}
