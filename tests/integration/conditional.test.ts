// Board, meeting view and KPI answer an empty 304 to a matching If-None-Match while neither the
// plan's change counter, the user's view (who, role, unit, filters, date) nor the code changed —
// and a full page as soon as one of them did. Against the built server, as `npm start` runs it.
import type { ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../db/index";
import { buildForProduction, startBuiltServer } from "../built-server";

const PASSWORD = "etag-pass-2025";

describe("conditional requests for the pages left open", () => {
  let child: ChildProcess;
  let url = "";
  let databasePath = "";
  const cookies: Record<string, string> = {};

  beforeAll(async () => {
    buildForProduction();
    databasePath = join(mkdtempSync(join(tmpdir(), "kanban-etag-")), "app.sqlite");
    const server = await startBuiltServer({ databasePath, env: { DEMO_PASSWORD: PASSWORD, WEB_CONCURRENCY: "1" }, ready: "已启动" });
    child = server.child;
    url = server.url;
    for (const username of ["leader", "viewer", "admin"]) {
      const login = await fetch(`${url}/login`, {
        method: "POST",
        redirect: "manual",
        headers: { Origin: url, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ username, password: PASSWORD }),
      });
      await login.arrayBuffer();
      expect(login.status).toBe(302);
      cookies[username] = login.headers.get("set-cookie")!.split(";")[0];
    }
  }, 300_000);

  afterAll(() => {
    child?.kill("SIGKILL");
  });

  async function get(path: string, username: string, etag?: string) {
    const response = await fetch(`${url}${path}`, {
      headers: { Cookie: cookies[username], ...(etag ? { "If-None-Match": etag } : {}) },
      redirect: "manual",
    });
    return { status: response.status, etag: response.headers.get("etag"), headers: response.headers, body: await response.text() };
  }

  for (const path of ["/board", "/board?year=2025&light=red", "/board/meeting", "/kpi", "/board.data?year=2025"]) {
    it(`${path}: 200 with an ETag, then an empty 304 with no new CSP nonce`, async () => {
      const first = await get(path, "leader");
      expect(first.status).toBe(200);
      expect(first.etag).toMatch(/^W\/"v-/);
      expect(first.headers.get("cache-control")).toBe("private, no-cache");
      const again = await get(path, "leader", first.etag!);
      expect(again.status).toBe(304);
      expect(again.body).toBe("");
      expect(again.headers.get("content-security-policy")).toBeNull();
    });
  }

  it("gives another user, other filters or another year another tag", async () => {
    const leader = await get("/board", "leader");
    const viewer = await get("/board", "viewer", leader.etag!);
    expect(viewer.status).toBe(200);
    expect(viewer.etag).not.toBe(leader.etag);
    const filtered = await get("/board?light=red", "leader", leader.etag!);
    expect(filtered.status).toBe(200);
    // The same view with its parameters in another order is the same view.
    const a = await get("/board?year=2025&light=red", "leader");
    const b = await get("/board?light=red&year=2025", "leader", a.etag!);
    expect(b.status).toBe(304);
  });

  it("sends a rendered page again while its tag holds, with the nonce its scripts carry", async () => {
    const first = await get("/kpi", "leader");
    const again = await get("/kpi", "leader");
    expect(again.status).toBe(200);
    expect(again.etag).toBe(first.etag);
    expect(again.body).toBe(first.body);
    const nonce = /'nonce-([^']+)'/.exec(again.headers.get("content-security-policy") ?? "")?.[1];
    expect(nonce).toBeTruthy();
    expect(again.body).toContain(`nonce="${nonce}"`);
    expect(again.headers.get("x-request-id")).not.toBe(first.headers.get("x-request-id"));
    // Another user is never sent this user's page.
    const viewer = await get("/kpi", "viewer");
    expect(viewer.etag).not.toBe(first.etag);
    expect(viewer.body).not.toBe(first.body);
  });

  it("keeps other pages only when every route of them says it shows nothing but the database", async () => {
    // 我的待办 and the password page opted in (app/utils/kept-page.ts): sent again as rendered,
    // with the nonce their scripts carry, but with no tag (they do not answer 304).
    for (const path of ["/todo", "/settings/password"]) {
      const first = await get(path, "leader");
      const again = await get(path, "leader");
      expect(first.status).toBe(200);
      expect(again.body).toBe(first.body);
      expect(again.etag).toBeNull();
      const nonce = /'nonce-([^']+)'/.exec(again.headers.get("content-security-policy") ?? "")?.[1];
      expect(again.body).toContain(`nonce="${nonce}"`);
      expect((await get(path, "viewer")).body).not.toBe(first.body);
    }
    // A user's admin page counts failed logins of the last 15 minutes: a time window, never kept.
    const db = openDatabase(databasePath);
    const viewer = await db.selectFrom("users").select("id").where("username", "=", "viewer").executeTakeFirstOrThrow();
    await db.destroy();
    const first = await get(`/admin/users/${viewer.id}`, "admin");
    expect(first.status).toBe(200);
    expect((await get(`/admin/users/${viewer.id}`, "admin")).body).not.toBe(first.body);
  });

  it("renders afresh after any write by another process, even one the tag does not name", async () => {
    const first = await get("/kpi", "leader");
    expect((await get("/kpi", "leader")).body).toBe(first.body);
    // A plan edited behind the app's back (no change counter bumped): same tag, but not the same page.
    const db = openDatabase(databasePath);
    const plans = await db.selectFrom("plans").select(["id", "title"]).execute();
    for (const plan of plans)
      await db
        .updateTable("plans")
        .set({ title: `${plan.title}（改）` })
        .where("id", "=", plan.id)
        .execute();
    const after = await get("/kpi", "leader");
    expect(after.etag).toBe(first.etag);
    expect(after.body).not.toBe(first.body);
    expect(after.body).toContain("（改）");
    for (const plan of plans) await db.updateTable("plans").set({ title: plan.title }).where("id", "=", plan.id).execute();
    await db.destroy();
  });

  it("answers in full again once the plan changed (a card moved)", async () => {
    const before = await get("/board/meeting", "leader");
    // Kept now: the page after the move must be rendered afresh, not sent again.
    expect((await get("/board/meeting", "leader")).body).toBe(before.body);
    const db = openDatabase(databasePath);
    // A card of this year's plan (the board's own): last year's is over and refuses moves.
    const task = await db
      .selectFrom("tasks")
      .innerJoin("plans", "plans.id", "tasks.plan_id")
      .select(["tasks.id", "tasks.status"])
      .where("tasks.status", "in", ["in_progress", "not_started"])
      .orderBy("plans.year", "desc")
      .orderBy("tasks.id")
      .executeTakeFirstOrThrow();
    await db.destroy();
    const to = task.status === "in_progress" ? "pending_review" : "in_progress";
    const move = await fetch(`${url}/board.data`, {
      method: "POST",
      headers: { Cookie: cookies.leader, Origin: url, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ intent: "move", taskId: String(task.id), toStatus: to, beforeId: "", afterId: "", reason: "" }),
    });
    await move.arrayBuffer();
    expect(move.status).toBe(200);
    const after = await get("/board/meeting", "leader", before.etag!);
    expect(after.status).toBe(200);
    expect(after.etag).not.toBe(before.etag);
    expect(after.body).not.toBe(before.body);
    expect((await get("/board/meeting", "leader")).body).toBe(after.body);
  });

  it("never tags a page that did not render, nor anyone signed out", async () => {
    const signedOut = await fetch(`${url}/board`, { redirect: "manual" });
    await signedOut.arrayBuffer();
    expect(signedOut.status).toBe(302);
    expect(signedOut.headers.get("etag")).toBeNull();
    const missing = await get("/board?year=1999", "leader");
    if (missing.status !== 200) expect(missing.etag).toBeNull();
  });
});
