// One anonymous request must not freeze, fill or fool the server (issue 15): bounded forms,
// bounded bodies, .docx bombs, login limits that count before argon2, same-origin redirects.
// Timed bounds against the compiled server live in the stress run (tests/stress/load.ts).
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import * as login from "../../app/routes/login";
import * as board from "../../app/routes/board/route";
import * as importPage from "../../app/routes/import/route";
import * as changePassword from "../../app/routes/settings.password";
import * as editUser from "../../app/routes/admin.users_.$userId";
import { readSummaryFile } from "../../app/lib/importer/decode";
import { withBodyLimit } from "../../app/server/body-limit";
import { FORM_MAX_BYTES } from "../../app/utils/body-limits.server";
import { getDb } from "../../app/utils/db.server";
import { passwordChecksRun } from "../../app/utils/password.server";
import { docxBomb, smallDocx } from "../docx-bomb";
import { callAction, callLoader, cookieFor, makeRequest, ORIGIN, TEST_PASSWORD } from "./helpers";

const loginForm = (username: string, password: string, extra: Record<string, string> = {}) =>
  makeRequest("/login", { form: { username, password, ...extra } });

function manyFields(count: number): string {
  return Array.from({ length: count }, (_, i) => `k${i}=1`).join("&");
}

function rawPost(path: string, body: string, cookie?: string): Request {
  const headers = new Headers({ Origin: ORIGIN, "Content-Type": "application/x-www-form-urlencoded" });
  if (cookie) headers.set("Cookie", cookie);
  return new Request(`${ORIGIN}${path}`, { method: "POST", headers, body });
}

afterEach(async () => {
  await getDb().deleteFrom("login_failures").execute();
});

describe("forms are read in one bounded pass", () => {
  it("answers a login with 30,000 fields 413 in Chinese, and checks no password", async () => {
    const before = passwordChecksRun();
    const outcome = await callAction(login.action, rawPost("/login", `username=admin&password=x&${manyFields(30_000)}`));
    expect(outcome.status).toBe(413);
    expect(outcome.data.message).toMatch(/提交的(表单字段过多|内容超过)/);
    expect(passwordChecksRun()).toBe(before);
  });

  it("answers a board action with 201 fields 413, and one with 200 reaches the action", async () => {
    const cookie = await cookieFor("leader");
    const tooMany = await callAction(board.action, rawPost("/board", `intent=move&${manyFields(200)}`, cookie));
    expect(tooMany.status).toBe(413);
    expect(tooMany.data.message).toContain("字段过多（超过200个）");
    const enough = await callAction(board.action, rawPost("/board", `intent=move&${manyFields(199)}`, cookie));
    expect(enough.status).toBe(400);
  });

  it("refuses a body longer than its route takes, counted as it arrives without a length", async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 200; i++) controller.enqueue(new TextEncoder().encode("a".repeat(1024)));
        controller.close();
      },
    });
    const request = new Request(`${ORIGIN}/login`, {
      method: "POST",
      headers: { Origin: ORIGIN, "Content-Type": "application/x-www-form-urlencoded" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    const outcome = await callAction(login.action, request);
    expect(outcome.status).toBe(413);
    expect(outcome.data.message).toContain("64 KB");
  });
});

describe("the server's streaming body limit", () => {
  let server: Server;
  let port: number;
  let bytesSeenByApp = 0;

  beforeAll(async () => {
    const app = express();
    // Stands in for Remix: reads the body it is given the way Remix's adapter does.
    app.all(
      "*",
      withBodyLimit(async (req, res) => {
        const reader = createReadableStreamFromReadable(req).getReader();
        try {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            bytesSeenByApp += value.byteLength;
          }
        } catch {
          return;
        }
        if (!res.headersSent) res.status(200).send(`read ${bytesSeenByApp}`);
      }),
    );
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function send(
    path: string,
    chunks: number,
    chunkBytes: number,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: string; sent: number }> {
    return new Promise((resolve, reject) => {
      let sent = 0;
      const req = httpRequest(
        { host: "127.0.0.1", port, path, method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers } },
        (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (chunk) => (body += chunk));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body, sent }));
        },
      );
      req.on("error", () => undefined);
      const chunk = Buffer.alloc(chunkBytes, "a");
      const pump = () => {
        while (sent < chunks) {
          sent++;
          if (!req.write(chunk)) return void req.once("drain", pump);
        }
        req.end();
      };
      req.setTimeout(20_000, () => reject(new Error("no answer")));
      pump();
    });
  }

  it("refuses a chunked body past 64 KB with 413 and hands the app no more than the limit", async () => {
    bytesSeenByApp = 0;
    const result = await send("/login", 100_000, 1024); // would be 100 MB
    expect(result.status).toBe(413);
    expect(result.body).toContain("提交的内容超过64 KB的上限");
    expect(bytesSeenByApp).toBeLessThanOrEqual(FORM_MAX_BYTES);
    expect(result.sent).toBeLessThan(100_000);
  });

  it("refuses a declared oversize body before reading it", async () => {
    const result = await new Promise<number>((resolve) => {
      const req = httpRequest(
        { host: "127.0.0.1", port, path: "/import", method: "POST", headers: { "Content-Length": String(6 * 1024 * 1024) } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", () => undefined);
      req.write("a");
    });
    expect(result).toBe(413);
  });

  it("lets a body within the limit through whole", async () => {
    bytesSeenByApp = 0;
    const result = await send("/login", 60, 1024);
    expect(result.status).toBe(200);
    expect(bytesSeenByApp).toBe(60 * 1024);
  });
});

describe(".docx decompression bombs", () => {
  it("reads a small .docx", async () => {
    const text = await readSummaryFile("a.docx", await smallDocx(["一、主要工作", "全年完成投资2560万元。"]));
    expect(text).toContain("2560万元");
  });

  it("refuses a .docx that declares a 30 MB document.xml, without inflating it", { timeout: 60_000 }, async () => {
    const bomb = await docxBomb(30 * 1024 * 1024);
    expect(bomb.length).toBeLessThan(200_000);
    await expect(readSummaryFile("bomb.docx", bomb)).rejects.toMatchObject({ code: "docx_too_large" });
  });

  it("refuses a .docx that lies about its size once inflating passes the limit", { timeout: 60_000 }, async () => {
    const bomb = await docxBomb(30 * 1024 * 1024, { declareSmall: true });
    await expect(readSummaryFile("bomb.docx", bomb)).rejects.toMatchObject({
      code: "docx_too_large",
      message: expect.stringContaining("打开后的内容超过 20 MB"),
    });
  });

  it("answers the import page's upload of a bomb with its Chinese refusal and writes nothing", { timeout: 60_000 }, async () => {
    const cookie = await cookieFor("leader");
    const body = new FormData();
    body.append("intent", "preview");
    body.append("file", new File([await docxBomb(30 * 1024 * 1024, { declareSmall: true })], "总结.docx"));
    const before = await getDb()
      .selectFrom("source_documents")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    const outcome = await callAction(
      importPage.action,
      new Request(`${ORIGIN}/import`, { method: "POST", body, headers: { Cookie: cookie, Origin: ORIGIN } }),
    );
    expect(outcome.status).toBeGreaterThanOrEqual(400);
    expect(outcome.status).toBeLessThan(500);
    expect(JSON.stringify(outcome.data)).toContain("打开后的内容超过 20 MB");
    const after = await getDb()
      .selectFrom("source_documents")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });
});

describe("login limits count before argon2", () => {
  const context = { clientAddress: "198.51.100.7" };

  it("runs argon2 at most 5 times for 100 concurrent wrong logins of one account, and refuses a right one among them", async () => {
    const before = passwordChecksRun();
    const attempts = Array.from({ length: 101 }, (_, i) =>
      callAction(login.action, loginForm("leader", i === 50 ? TEST_PASSWORD : `wrong-${i}`), { context }),
    );
    const outcomes = await Promise.all(attempts);
    expect(passwordChecksRun() - before).toBeLessThanOrEqual(5);
    expect(outcomes[50].status).not.toBe(302);
    expect(outcomes.filter((o) => o.status === 302)).toHaveLength(0);
    expect(outcomes.filter((o) => o.status === 429).length).toBeGreaterThanOrEqual(95);
    expect(outcomes.every((o) => o.status < 500 || o.status === 503)).toBe(true);
  });

  it("runs argon2 at most 30 times for 1,000 logins with random usernames from one address", async () => {
    const before = passwordChecksRun();
    const outcomes = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        callAction(login.action, loginForm(`nobody-${i}-${Math.random().toString(36).slice(2)}`, "x"), { context }),
      ),
    );
    expect(passwordChecksRun() - before).toBeLessThanOrEqual(30);
    expect(outcomes.every((o) => [400, 429, 503].includes(o.status))).toBe(true);
  });

  it("slows down only the address that guessed: the same account signs in from another address", async () => {
    for (let i = 0; i < 5; i++) await callAction(login.action, loginForm("leader", `wrong-${i}`), { context });
    const fromGuesser = await callAction(login.action, loginForm("leader", TEST_PASSWORD), { context });
    expect(fromGuesser.status).toBe(429);
    expect(fromGuesser.headers.get("Retry-After")).toMatch(/^\d+$/);
    const fromOffice = await callAction(login.action, loginForm("leader", TEST_PASSWORD), { context: { clientAddress: "198.51.100.8" } });
    expect(fromOffice.status).toBe(302);
  });

  it("lets an admin clear an account's login delays, with an audit row", async () => {
    for (let i = 0; i < 5; i++) await callAction(login.action, loginForm("viewer", `wrong-${i}`), { context });
    expect((await callAction(login.action, loginForm("viewer", TEST_PASSWORD), { context })).status).toBe(429);
    const db = getDb();
    const viewer = await db.selectFrom("users").select("id").where("username", "=", "viewer").executeTakeFirstOrThrow();
    const admin = await cookieFor("admin");
    const page = await callLoader(editUser.loader, makeRequest(`/admin/users/${viewer.id}`, { cookie: admin }), {
      params: { userId: String(viewer.id) },
    });
    expect(page.data.loginFailures).toBe(5);
    const cleared = await callAction(
      editUser.action,
      makeRequest(`/admin/users/${viewer.id}`, { cookie: admin, form: { intent: "clearLoginDelays" } }),
      {
        params: { userId: String(viewer.id) },
      },
    );
    expect(cleared.data.kind).toBe("cleared");
    expect((await callAction(login.action, loginForm("viewer", TEST_PASSWORD), { context })).status).toBe(302);
    const audit = await db.selectFrom("audit_log").select("action").where("action", "=", "user.clear_login_delays").execute();
    expect(audit.length).toBeGreaterThan(0);
  });

  it("puts 修改密码's current-password check under the same limits", async () => {
    const cookie = await cookieFor("secretary");
    const form = (current: string) =>
      makeRequest("/settings/password", {
        cookie,
        form: { currentPassword: current, newPassword: "a-new-pass-2026", confirmPassword: "a-new-pass-2026" },
      });
    const before = passwordChecksRun();
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, (_, i) => callAction(changePassword.action, form(`wrong-${i}`), { context })),
    );
    expect(passwordChecksRun() - before).toBeLessThanOrEqual(5);
    expect(outcomes.filter((o) => o.status === 429).length).toBeGreaterThanOrEqual(45);
    for (let i = 0; i < 6; i++) await callAction(changePassword.action, form(`wrong-again-${i}`), { context });
    const right = await callAction(changePassword.action, form(TEST_PASSWORD), { context });
    expect(right.status).toBe(429);
    expect(right.data.errors.currentPassword).toContain("登录失败次数过多");
  });
});

describe("redirectTo stays on this site", () => {
  const cases = [
    "/\t/evil.example/phish",
    "/\n/evil.example",
    "/\r/evil.example",
    "/\r\nSet-Cookie: x=1",
    "//evil.example/x",
    "/\\evil.example",
    "https://evil.example/",
    " /\t/evil.example",
    "/\u3000/evil.example",
    "/%09/evil.example",
    "/board?x=1",
    "/kpi#指标",
  ];

  it("never leaves the origin and never answers 500, signed in or signing in", async () => {
    const cookie = await cookieFor("viewer");
    for (const value of cases) {
      const signedIn = await callLoader(login.loader, makeRequest(`/login?redirectTo=${encodeURIComponent(value)}`, { cookie }));
      const signingIn = await callAction(login.action, loginForm("viewer", TEST_PASSWORD, { redirectTo: value }));
      for (const outcome of [signedIn, signingIn]) {
        expect(outcome.status, value).toBe(302);
        const location = outcome.location!;
        expect(location, value).not.toMatch(/[\u0000-\u0020\u007f-\u00a0\u3000\\]/);
        expect(new URL(location, ORIGIN).origin, value).toBe(ORIGIN);
        expect(location.startsWith("//"), value).toBe(false);
      }
    }
  });

  it("keeps a same-site path with its query", async () => {
    const cookie = await cookieFor("viewer");
    const outcome = await callLoader(login.loader, makeRequest(`/login?redirectTo=${encodeURIComponent("/board?unit=3")}`, { cookie }));
    expect(outcome.location).toBe("/board?unit=3");
  });
});
