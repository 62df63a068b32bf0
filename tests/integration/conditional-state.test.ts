// The 304 check itself, in process, on whichever database the suite runs (SQLite, or PostgreSQL
// with TEST_DATABASE_URL): the tag must be computed the same way on both, and must change when
// anything the page shows changes — the plan, and the shell's 我的待办 badge too.
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { conditionalViews } from "../../app/server/conditional";
import { getDb } from "../../app/utils/db.server";
import { cookieFor } from "./helpers";

describe("conditional view tags on this database", () => {
  let server: ReturnType<express.Express["listen"]>;
  let url = "";
  let leader = "";
  let rendered = 0;

  beforeAll(async () => {
    const app = express();
    app.use(conditionalViews({ db: getDb, buildVersion: "test" }));
    // Stands in for the page: what matters here is whether the request got past the check.
    app.get(["/board", "/kpi"], (_req, res) => {
      rendered++;
      res.status(200).send("page");
    });
    await new Promise<void>((done) => (server = app.listen(0, "127.0.0.1", done)));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    leader = await cookieFor("leader");
  });

  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  async function get(path: string, etag?: string | null) {
    const response = await fetch(`${url}${path}`, { headers: { Cookie: leader, ...(etag ? { "If-None-Match": etag } : {}) } });
    await response.arrayBuffer();
    return { status: response.status, etag: response.headers.get("etag") };
  }

  it("answers 304 to its own tag without rendering", async () => {
    const first = await get("/board");
    expect(first.status).toBe(200);
    expect(first.etag).toMatch(/^W\/"v-/);
    const before = rendered;
    const again = await get("/board", first.etag);
    expect(again.status).toBe(304);
    expect(rendered).toBe(before);
  });

  it("renders again when only the nav badge changed (a 延期申请 now waits for the leader)", async () => {
    const first = await get("/kpi");
    expect((await get("/kpi", first.etag)).status).toBe(304);
    const db = getDb();
    const task = await db
      .selectFrom("tasks")
      .innerJoin("plans", "plans.id", "tasks.plan_id")
      .select(["tasks.id", "tasks.due_date"])
      .where("plans.status", "=", "active")
      .orderBy("tasks.id")
      .executeTakeFirstOrThrow();
    // Written directly, without bumping any plan's change counter: the badge alone changes.
    const plansBefore = await db.selectFrom("plans").select(["id", "change_seq"]).orderBy("id").execute();
    await db
      .insertInto("task_extensions")
      .values({
        task_id: task.id,
        requested_by: null,
        unit_id: null,
        old_due_date: task.due_date,
        requested_due_date: "2099-12-31",
        reason: "测试：只改变待办数",
        decided_by: null,
        decided_at: null,
        created_at: new Date().toISOString(),
      })
      .execute();
    expect(await db.selectFrom("plans").select(["id", "change_seq"]).orderBy("id").execute()).toEqual(plansBefore);
    const after = await get("/kpi", first.etag);
    expect(after.status).toBe(200);
    expect(after.etag).not.toBe(first.etag);
    expect((await get("/kpi", after.etag)).status).toBe(304);
  });
});
