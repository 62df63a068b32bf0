import { afterEach, describe, expect, it } from "vitest";
import * as login from "../../app/routes/login";
import * as logout from "../../app/routes/logout";
import * as index from "../../app/routes/_index";
import * as changePassword from "../../app/routes/settings.password";
import { getCurrentUser } from "../../app/utils/auth.server";
import { getDb } from "../../app/utils/db.server";
import { SESSION_COOKIE_NAME } from "../../app/utils/session.server";
import { callAction, callLoader, cookieFor, makeRequest, TEST_PASSWORD } from "./helpers";

function sessionCookieFrom(setCookie: string | null): string {
  const match = setCookie?.match(new RegExp(`${SESSION_COOKIE_NAME}=([a-z2-7]+)`));
  if (!match) throw new Error(`no session cookie in ${setCookie}`);
  return `${SESSION_COOKIE_NAME}=${match[1]}`;
}

const loginForm = (username: string, password: string, extra: Record<string, string> = {}) =>
  makeRequest("/login", { form: { username, password, ...extra } });

describe("session cookie over HTTP and HTTPS", () => {
  const savedSetting = process.env.COOKIE_SECURE;
  afterEach(() => {
    if (savedSetting === undefined) delete process.env.COOKIE_SECURE;
    else process.env.COOKIE_SECURE = savedSetting;
  });

  it("is Secure exactly when the request is HTTPS (a LAN address over plain HTTP gets a usable cookie)", async () => {
    const lan = await callAction(login.action, loginForm("leader", TEST_PASSWORD), { context: { https: false } });
    expect(lan.headers.get("Set-Cookie")).not.toMatch(/Secure/);
    const tls = await callAction(login.action, loginForm("leader", TEST_PASSWORD), { context: { https: true } });
    expect(tls.headers.get("Set-Cookie")).toMatch(/; Secure/);
  });

  it("COOKIE_SECURE=1 or 0 forces it either way", async () => {
    process.env.COOKIE_SECURE = "1";
    const forced = await callAction(login.action, loginForm("leader", TEST_PASSWORD), { context: { https: false } });
    expect(forced.headers.get("Set-Cookie")).toMatch(/; Secure/);
    process.env.COOKIE_SECURE = "0";
    const off = await callAction(login.action, loginForm("leader", TEST_PASSWORD), { context: { https: true } });
    expect(off.headers.get("Set-Cookie")).not.toMatch(/Secure/);
  });

  it("explains in Chinese when the browser comes back from a login without the cookie", async () => {
    const plain = await callLoader(login.loader, makeRequest("/login?sessionCheck=1&redirectTo=%2Fboard"), { context: { https: false } });
    expect(plain.data.cookieRefused).toMatch(/浏览器没有保存登录状态.*允许本网站使用 Cookie/);
    process.env.COOKIE_SECURE = "1";
    const forced = await callLoader(login.loader, makeRequest("/login?sessionCheck=1"), { context: { https: false } });
    expect(forced.data.cookieRefused).toMatch(/COOKIE_SECURE=1.*https:\/\//);
    const ordinary = await callLoader(login.loader, makeRequest("/login"), { context: { https: false } });
    expect(ordinary.data.cookieRefused).toBeNull();
  });
});

describe("login", () => {
  it("signs each demo role in, sets an HttpOnly SameSite=Lax cookie and opens the shell", async () => {
    for (const username of ["admin", "leader", "secretary", "viewer"]) {
      const outcome = await callAction(login.action, loginForm(username, TEST_PASSWORD));
      expect(outcome.status).toBe(302);
      expect(outcome.location).toBe("/login?sessionCheck=1&redirectTo=%2F");
      const setCookie = outcome.headers.get("Set-Cookie")!;
      expect(setCookie).toMatch(/HttpOnly/);
      expect(setCookie).toMatch(/SameSite=Lax/);
      // With the cookie the check passes straight on to the page asked for.
      const check = await callLoader(login.loader, makeRequest(outcome.location!, { cookie: sessionCookieFrom(setCookie) }));
      expect(check.location).toBe("/");
      const home = await callLoader(index.loader, makeRequest("/", { cookie: sessionCookieFrom(setCookie) }));
      expect(home.location).toBe("/board");
    }
  });

  it("stores only the SHA-256 of the token", async () => {
    const outcome = await callAction(login.action, loginForm("leader", TEST_PASSWORD));
    const token = sessionCookieFrom(outcome.headers.get("Set-Cookie")).split("=")[1];
    const ids = await getDb().selectFrom("sessions").select("id").execute();
    expect(ids.some((row) => row.id === token)).toBe(false);
    expect(ids.every((row) => /^[0-9a-f]{64}$/.test(row.id))).toBe(true);
  });

  it("answers a wrong password and an unknown account with the same message", async () => {
    const wrong = await callAction(login.action, loginForm("viewer", "not-the-password"));
    const unknown = await callAction(login.action, loginForm("nobody-here", "not-the-password"));
    expect(wrong.status).toBe(400);
    expect(unknown.status).toBe(400);
    expect(wrong.data.formError).toBe(unknown.data.formError);
    expect(wrong.data.formError).toContain("用户名或密码错误");
    expect(wrong.data.username).toBe("viewer");
  });

  it("refuses the 6th wrong password in a row with a wait, even with the right password", async () => {
    for (let attempt = 1; attempt <= 5; attempt++) {
      const outcome = await callAction(login.action, loginForm("leader", `wrong-${attempt}`));
      expect(outcome.status).toBe(400);
    }
    const sixth = await callAction(login.action, loginForm("leader", "wrong-6"));
    expect(sixth.status).toBe(429);
    expect(sixth.data.formError).toMatch(/登录失败次数过多.*请\d+(秒|分钟)后再试/);
    const right = await callAction(login.action, loginForm("leader", TEST_PASSWORD));
    expect(right.status).toBe(429);
    await getDb().deleteFrom("login_failures").execute();
  });

  it("rate-limits one address across accounts", async () => {
    const context = { clientAddress: "203.0.113.9" };
    for (let attempt = 0; attempt < 30; attempt++) {
      await callAction(login.action, loginForm(`guess-${attempt}`, "x"), { context });
    }
    const next = await callAction(login.action, loginForm("admin", TEST_PASSWORD), { context });
    expect(next.status).toBe(429);
    const elsewhere = await callAction(login.action, loginForm("admin", TEST_PASSWORD), {
      context: { clientAddress: "203.0.113.10" },
    });
    expect(elsewhere.status).toBe(302);
    await getDb().deleteFrom("login_failures").execute();
  });

  it("only redirects to paths on this site after login", async () => {
    const evil = await callAction(login.action, loginForm("viewer", TEST_PASSWORD, { redirectTo: "//evil.example/x" }));
    expect(evil.location).toBe("/login?sessionCheck=1&redirectTo=%2F");
    const good = await callAction(login.action, loginForm("viewer", TEST_PASSWORD, { redirectTo: "/kpi?x=1" }));
    expect(good.location).toBe("/login?sessionCheck=1&redirectTo=%2Fkpi%3Fx%3D1");
    const cookie = sessionCookieFrom(good.headers.get("Set-Cookie"));
    expect((await callLoader(login.loader, makeRequest(good.location!, { cookie }))).location).toBe("/kpi?x=1");
  });

  it("refuses a forged POST without this site's Origin", async () => {
    const noOrigin = await callAction(
      login.action,
      makeRequest("/login", { form: { username: "admin", password: TEST_PASSWORD }, origin: null }),
    );
    expect(noOrigin.status).toBe(403);
    const foreign = await callAction(
      login.action,
      makeRequest("/login", { form: { username: "admin", password: TEST_PASSWORD }, origin: "https://evil.example" }),
    );
    expect(foreign.status).toBe(403);
    expect(foreign.data.message).toContain("请求来源");
  });

  it("refuses a disabled account", async () => {
    const db = getDb();
    await db.updateTable("users").set({ disabled: 1 }).where("username", "=", "viewer").execute();
    const outcome = await callAction(login.action, loginForm("viewer", TEST_PASSWORD));
    expect(outcome.status).toBe(403);
    expect(outcome.data.formError).toContain("停用");
    await db.updateTable("users").set({ disabled: 0 }).where("username", "=", "viewer").execute();
  });
});

describe("sessions", () => {
  it("sends an anonymous visitor to the login page with the way back", async () => {
    const outcome = await callLoader(index.loader, makeRequest("/board?x=1"));
    expect(outcome.status).toBe(302);
    expect(outcome.location).toBe("/login?redirectTo=%2Fboard%3Fx%3D1");
  });

  it("logout ends the session on the server", async () => {
    const cookie = await cookieFor("leader");
    const outcome = await callAction(logout.action, makeRequest("/logout", { method: "POST", cookie }));
    expect(outcome.location).toBe("/login");
    expect(outcome.headers.get("Set-Cookie")).toMatch(/Max-Age=0/);
    const after = await callLoader(index.loader, makeRequest("/", { cookie }));
    expect(after.location).toMatch(/^\/login/);
  });

  it("a password change ends every session of the user and signs this device in again", async () => {
    const first = await cookieFor("secretary");
    const second = await cookieFor("secretary");
    const outcome = await callAction(
      changePassword.action,
      makeRequest("/settings/password", {
        cookie: first,
        form: { currentPassword: TEST_PASSWORD, newPassword: "Dongsheng#2025", confirmPassword: "Dongsheng#2025" },
      }),
    );
    expect(outcome.status).toBe(302);
    for (const old of [first, second]) {
      expect((await callLoader(index.loader, makeRequest("/", { cookie: old }))).location).toMatch(/^\/login/);
    }
    const fresh = sessionCookieFrom(outcome.headers.get("Set-Cookie"));
    expect((await callLoader(index.loader, makeRequest("/", { cookie: fresh }))).location).toBe("/board");
    const relogin = await callAction(login.action, loginForm("secretary", "Dongsheng#2025"));
    expect(relogin.status).toBe(302);
  });

  it("refuses weak or mismatched new passwords and keeps the old one", async () => {
    const cookie = await cookieFor("leader");
    const weak = await callAction(
      changePassword.action,
      makeRequest("/settings/password", {
        cookie,
        form: { currentPassword: TEST_PASSWORD, newPassword: "12345678", confirmPassword: "12345678" },
      }),
    );
    expect(weak.status).toBe(400);
    expect(weak.data.errors.newPassword).toContain("常见");
    const mismatch = await callAction(
      changePassword.action,
      makeRequest("/settings/password", {
        cookie,
        form: { currentPassword: TEST_PASSWORD, newPassword: "Good-pass-1", confirmPassword: "Good-pass-2" },
      }),
    );
    expect(mismatch.data.errors.confirmPassword).toBeTruthy();
    const wrongCurrent = await callAction(
      changePassword.action,
      makeRequest("/settings/password", {
        cookie,
        form: { currentPassword: "nope-nope", newPassword: "Good-pass-1", confirmPassword: "Good-pass-1" },
      }),
    );
    expect(wrongCurrent.data.errors.currentPassword).toContain("不正确");
    expect((await callAction(login.action, loginForm("leader", TEST_PASSWORD))).status).toBe(302);
  });
});

describe("who is signed in, once per request", () => {
  it("shares one session lookup among a page's loaders, but looks again for an action", async () => {
    const cookie = await cookieFor("viewer");
    const context = {};
    // Remix hands the root loader and the page loader separate copies of one GET request.
    const root = getCurrentUser({ request: makeRequest("/board", { cookie }), context: context as never });
    const page = getCurrentUser({ request: makeRequest("/board", { cookie }), context: context as never });
    expect(page).toBe(root);
    expect((await page)?.username).toBe("viewer");
    // Another HTTP request (another context) looks the session up again.
    const next = getCurrentUser({ request: makeRequest("/board", { cookie }), context: {} as never });
    expect(next).not.toBe(root);
    // Awaited before the session ends below (and before the database closes after the test).
    expect((await next)?.username).toBe("viewer");

    // An action may end the session: the loaders that run after it in the same HTTP request (same
    // context) must not reuse a lookup made before it.
    const actionContext = {};
    const logoutRequest = makeRequest("/logout", { cookie, form: {} });
    expect((await getCurrentUser({ request: logoutRequest, context: actionContext as never }))?.username).toBe("viewer");
    await callAction(logout.action, makeRequest("/logout", { cookie, form: {} }), { context: actionContext });
    const afterAction = getCurrentUser({ request: makeRequest("/login", { cookie }), context: actionContext as never });
    expect(await afterAction).toBeNull();
  });
});
