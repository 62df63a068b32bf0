// Colleagues on the office LAN open http://<this PC>:PORT: plain HTTP on a non-loopback
// address. A Secure session cookie would be dropped there and the login would silently fail.
// One login only: never load on a non-loopback address.
import { networkInterfaces } from "node:os";
import { expect, test } from "@playwright/test";
import { E2E_PORT } from "../playwright.config";
import { DEMO_PASSWORD } from "./session";

function lanAddress(): string | null {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.family === "IPv4" && !address.internal) return address.address;
    }
  }
  return null;
}

test("a colleague logs in through the LAN address over plain HTTP", async ({ browser }) => {
  const address = lanAddress();
  test.skip(address === null, "本机没有非回环的 IPv4 地址，无法从局域网地址访问");
  const origin = `http://${address}:${E2E_PORT}`;
  const context = await browser.newContext({ baseURL: origin });
  const page = await context.newPage();
  await page.goto("/login");
  await page.getByLabel("用户名").fill("leader");
  await page.getByLabel("密码").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page).toHaveURL(`${origin}/board`);
  await expect(page.getByRole("navigation", { name: "主导航" })).toBeVisible();
  const [cookie] = await context.cookies();
  expect(cookie).toMatchObject({ name: "kanban_session", secure: false, httpOnly: true });
  await context.close();
});
