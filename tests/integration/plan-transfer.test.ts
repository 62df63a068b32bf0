// Plan export/import: the demo plan goes out as JSON and into an empty instance (a freshly
// migrated database with no bootstrap) and the board and KPI pages show the same; forged or
// malformed documents are refused with a Chinese message and nothing written.
import { rmSync } from "node:fs";
import type { ActionFunction, LoaderFunction } from "@remix-run/node";
import { describe, expect, it } from "vitest";
import { migrateToLatest } from "../../db/index";
import { exportPlan, importPlan } from "../../app/models/plan-transfer.server";
import { parsePlanDocument, type PlanDocument } from "../../app/models/plan-document.server";
import { closeDb, getDb } from "../../app/utils/db.server";
import * as boardRoute from "../../app/routes/board/route";
import * as kpiRoute from "../../app/routes/kpi/route";
import * as plansRoute from "../../app/routes/admin.plans";
import * as exportRoute from "../../app/routes/admin.plans.$year.export";
import { tableChecksums } from "./db-checksum";
import { callAction, callLoader, cookieFor, makeRequest, ORIGIN } from "./helpers";
import { createDatabase, dropDatabase, testDatabaseUrl, uniqueDatabaseName } from "./pg";

// Database ids and the live-update counter belong to one instance, not to the plan.
const ID_KEY = /(^id$|Id$|_id$|Ids$|^version$|^changeSeq$)/;

/** Loader output without instance-local values (ids, change counter). */
function withoutIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutIds);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !ID_KEY.test(key))
        .map(([key, v]) => [key, withoutIds(v)]),
    );
  }
  return value;
}

async function counts() {
  const db = getDb();
  const plan = await db.selectFrom("plans").select("id").where("year", "=", 2025).executeTakeFirstOrThrow();
  const tasks = db.selectFrom("tasks").select("id").where("plan_id", "=", plan.id);
  const count = async (q: { select: unknown }) =>
    Number(((await (q as any).select((eb: any) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()) as { n: number }).n);
  return {
    tasks: await count(db.selectFrom("tasks").where("plan_id", "=", plan.id)),
    taskUnits: await count(db.selectFrom("task_units").where("task_id", "in", tasks)),
    metrics: await count(db.selectFrom("metrics").where("plan_id", "=", plan.id)),
    updates: await count(db.selectFrom("updates").where("task_id", "in", tasks)),
    metricValues: await count(
      db.selectFrom("metric_values").where("metric_id", "in", db.selectFrom("metrics").select("id").where("plan_id", "=", plan.id)),
    ),
    comments: await count(db.selectFrom("comments").where("task_id", "in", tasks)),
    attachments: await count(db.selectFrom("attachments").where("task_id", "in", tasks)),
  };
}

/** What a reader sees on the board (every card) and the KPI page of 2025. */
async function pages(cookie: string) {
  const board = await callLoader(boardRoute.loader as LoaderFunction, makeRequest("/board?year=2025&all=1", { cookie }));
  const kpi = await callLoader(kpiRoute.loader as LoaderFunction, makeRequest("/kpi?year=2025", { cookie }));
  expect(board.status).toBe(200);
  expect(kpi.status).toBe(200);
  const { cards, total, hidden, lights, options } = board.data.board;
  return {
    board: withoutIds({ plan: board.data.plan, cards, total, hidden, lights, categories: options.categories }),
    // The filter choices list every unit of the instance; the document carries only the plan's.
    kpi: withoutIds({ plan: kpi.data.plan, page: { ...kpi.data.page, options: { ...kpi.data.page.options, units: undefined } } }),
  };
}

/** A decided 延期申请 and an issued 督办通报, which travel with the plan. */
async function addExtensionAndBriefing() {
  const db = getDb();
  const plan = await db.selectFrom("plans").select("id").where("year", "=", 2025).executeTakeFirstOrThrow();
  const task = await db
    .selectFrom("tasks")
    .select(["id", "due_date"])
    .where("plan_id", "=", plan.id)
    .orderBy("code")
    .executeTakeFirstOrThrow();
  const leader = await db.selectFrom("users").select("id").where("username", "=", "leader").executeTakeFirstOrThrow();
  const secretary = await db.selectFrom("users").select(["id", "unit_id"]).where("username", "=", "secretary").executeTakeFirstOrThrow();
  await db
    .insertInto("task_extensions")
    .values({
      task_id: task.id,
      requested_by: secretary.id,
      unit_id: secretary.unit_id,
      old_due_date: task.due_date,
      requested_due_date: "2025-12-20",
      reason: "等待区里批复",
      status: "approved",
      decided_by: leader.id,
      decision_note: "同意",
      decided_at: "2025-11-03T02:00:00.000Z",
      created_at: "2025-11-01T02:00:00.000Z",
    })
    .execute();
  await db
    .insertInto("briefings")
    .values({
      plan_id: plan.id,
      number: 1,
      period_kind: "month",
      period_key: "2025-11",
      period_start: "2025-11-01",
      period_end: "2025-11-30",
      content: JSON.stringify({ title: "督办通报" }),
      issued_by: leader.id,
      issued_at: "2025-12-01T01:00:00.000Z",
      updated_at: "2025-12-01T01:00:00.000Z",
    })
    .execute();
}

function uploadRequest(cookie: string, body: string | Uint8Array<ArrayBuffer>, fileName = "plan.json"): Request {
  const form = new FormData();
  form.set("intent", "import");
  form.set("file", new File([body], fileName, { type: "application/json" }));
  return new Request(`${ORIGIN}/admin/plans`, { method: "POST", headers: { Cookie: cookie, Origin: ORIGIN }, body: form });
}

describe("plan export and import", () => {
  it("exports the demo plan without secrets and imports it into an empty instance unchanged", async () => {
    const admin = await cookieFor("admin");
    await addExtensionAndBriefing();
    const download = await callLoader(exportRoute.loader as LoaderFunction, makeRequest("/admin/plans/2025/export", { cookie: admin }), {
      params: { year: "2025" },
    });
    expect(download.status).toBe(200);
    const text = await (
      await exportRoute.loader({
        request: makeRequest("/admin/plans/2025/export", { cookie: admin }),
        params: { year: "2025" },
        context: {},
      } as never)
    ).text();
    expect(text).not.toMatch(/password|argon2|session/i);
    const doc = JSON.parse(text) as PlanDocument;
    expect(doc).toMatchObject({ format: "niandu-kanban-plan", version: 1, plan: { year: 2025 } });
    expect(doc.tasks.length).toBeGreaterThan(0);
    expect(doc.updates.length).toBeGreaterThan(0);
    expect(doc.extensions).toMatchObject([{ status: "approved", requested_due_date: "2025-12-20", reason: "等待区里批复" }]);
    expect(doc.briefings).toMatchObject([{ number: 1, period_kind: "month", period_key: "2025-11" }]);

    const before = await counts();
    const seen = await pages(await cookieFor("viewer"));

    // An empty instance: migrated, no accounts, no units, no plan.
    const sourcePath = process.env.DATABASE_PATH!;
    const sourceUrl = process.env.DATABASE_URL;
    const pgServer = testDatabaseUrl();
    const emptyPgName = uniqueDatabaseName("kanban_empty");
    await closeDb();
    if (sourceUrl && pgServer) {
      process.env.DATABASE_URL = await createDatabase(pgServer, emptyPgName);
    } else {
      const emptyPath = sourcePath.replace(/\.sqlite$/, "-empty.sqlite");
      rmSync(emptyPath, { force: true });
      process.env.DATABASE_PATH = emptyPath;
    }
    try {
      await migrateToLatest(getDb());
      const parsed = parsePlanDocument(text);
      expect(parsed.ok).toBe(true);
      const result = await importPlan(getDb(), null, (parsed as { document: PlanDocument }).document);
      expect(result.year).toBe(2025);
      expect(result.createdUnits.length).toBe(doc.units.length);
      // Imported accounts cannot sign in until an admin resets their password and enables them.
      const users = await getDb().selectFrom("users").select(["username", "disabled", "must_change_password"]).execute();
      expect(users.map((u) => u.username).sort()).toEqual(doc.users.map((u) => u.username).sort());
      expect(users.every((u) => u.disabled === 1 && u.must_change_password === 1)).toBe(true);

      expect(await counts()).toEqual(before);
      await getDb()
        .insertInto("users")
        .values({
          username: "viewer",
          display_name: "述职会议",
          password_hash: "x",
          role: "viewer",
          created_at: "2025-01-01T00:00:00.000Z",
          updated_at: "2025-01-01T00:00:00.000Z",
        })
        .execute();
      const imported = await pages(await cookieFor("viewer"));
      expect(imported.board).toEqual(seen.board);
      expect(imported.kpi).toEqual(seen.kpi);
      // And out again: the same document, apart from the export time, the import's own history
      // entry and the accounts, which arrive 停用.
      const again = await exportPlan(getDb(), 2025);
      expect(again.history.at(-1)?.action).toBe("plan.import");
      const comparable = (d: PlanDocument, history: PlanDocument["history"]) =>
        withoutIds({ ...d, exported_at: null, history, users: d.users.map((u) => ({ ...u, disabled: null })) });
      expect(comparable(again, again.history.slice(0, -1))).toEqual(comparable(doc, doc.history));
    } finally {
      await closeDb();
      process.env.DATABASE_PATH = sourcePath;
      if (sourceUrl && pgServer) {
        process.env.DATABASE_URL = sourceUrl;
        await dropDatabase(pgServer, emptyPgName);
      }
    }
  });

  it("refuses a plan year that already exists with a 409, writing nothing", async () => {
    const admin = await cookieFor("admin");
    const doc = await exportPlan(getDb(), 2025);
    const sums = await tableChecksums(getDb());
    const outcome = await callAction(plansRoute.action as ActionFunction, uploadRequest(admin, JSON.stringify(doc)));
    expect(outcome.status).toBe(409);
    expect(outcome.data.importError).toMatch(/2025年度计划已经存在/);
    expect(await tableChecksums(getDb())).toEqual(sums);
  });

  it("imports from the admin page into a free year", async () => {
    const admin = await cookieFor("admin");
    const doc = await exportPlan(getDb(), 2025);
    doc.plan.year = 2031;
    const outcome = await callAction(plansRoute.action as ActionFunction, uploadRequest(admin, JSON.stringify(doc)));
    expect(outcome.status).toBe(200);
    expect(outcome.data.imported).toMatchObject({ year: 2031, tasks: doc.tasks.length, createdUnits: [], createdUsers: [] });
    const plan = await getDb().selectFrom("plans").select("id").where("year", "=", 2031).executeTakeFirstOrThrow();
    const tasks = await getDb().selectFrom("tasks").select("id").where("plan_id", "=", plan.id).execute();
    expect(tasks.length).toBe(doc.tasks.length);
  });

  const forgeries: [string, (doc: PlanDocument) => unknown, RegExp][] = [
    ["not JSON", () => "{ not json", /不是有效的 JSON/],
    ["another format", (d) => ({ ...d, format: "trello" }), /不是年度计划导出文件/],
    ["a future version", (d) => ({ ...d, version: 2 }), /不支持的导出文件版本 2/],
    [
      "a task naming a unit that is not in the file",
      (d) => ((d.tasks[0].units[0].unit_id = 987654), d),
      /任务 tasks第1项的 units第1项的 unit_id：引用了文件中不存在的单位/,
    ],
    ["a progress given as text", (d) => (((d.updates[0] as any).progress = "50"), d), /填报 updates第1项的 progress/],
    ["a progress above 100", (d) => ((d.tasks[1].progress = 101), d), /任务 tasks第2项的 progress/],
    ["a duplicated task id", (d) => ((d.tasks[1].id = d.tasks[0].id), d), /编号 \d+ 重复/],
    ["a password hash smuggled into a user", (d) => (((d.users[0] as any).password_hash = "$argon2id$x"), d), /用户 users第1项/],
    ["an unknown role", (d) => (((d.users[0] as any).role = "root"), d), /用户 users第1项的 role/],
    [
      "a storage key with a path",
      (d) => (
        d.attachments.push({
          update_id: d.updates[0].id,
          task_id: d.updates[0].task_id,
          file_name: "a.png",
          content_type: "image/png",
          size: 1,
          sha256: "0".repeat(64),
          storage_key: "../../etc/passwd",
          uploaded_by: d.users[0].id,
          created_at: "2025-03-01T00:00:00.000Z",
        }),
        d
      ),
      /storage_key/,
    ],
    [
      "a missing section",
      (d) => {
        const { tasks: _t, ...rest } = d;
        return rest;
      },
      /任务 tasks/,
    ],
    ["a year out of range", (d) => ((d.plan.year = 99999), d), /年度计划 plan的 year/],
    [
      "an extension of a task not in the file",
      (d) => (
        d.extensions.push({
          task_id: 999_999,
          requested_by: null,
          unit_id: null,
          old_due_date: null,
          requested_due_date: "2040-12-31",
          reason: "原因",
          status: "pending",
          decided_by: null,
          decision_note: "",
          decided_at: null,
          created_at: "2040-03-01T00:00:00.000Z",
        }),
        d
      ),
      /延期申请 extensions第\d+项的 task_id：引用了文件中不存在的任务/,
    ],
    ["an array instead of a document", () => [], /不是年度计划导出文件/],
  ];
  for (const [name, forge, message] of forgeries) {
    it(`refuses ${name} with a Chinese message and writes nothing`, async () => {
      const admin = await cookieFor("admin");
      const doc = structuredClone(await exportPlan(getDb(), 2025));
      doc.plan.year = 2040;
      const forged = forge(doc);
      const sums = await tableChecksums(getDb());
      const outcome = await callAction(
        plansRoute.action as ActionFunction,
        uploadRequest(admin, typeof forged === "string" ? forged : JSON.stringify(forged)),
      );
      expect(outcome.status).toBe(400);
      expect(outcome.data.importError).toMatch(message);
      expect(await tableChecksums(getDb())).toEqual(sums);
    });
  }

  it("refuses an empty upload and an oversize one", async () => {
    const admin = await cookieFor("admin");
    const sums = await tableChecksums(getDb());
    const empty = await callAction(plansRoute.action as ActionFunction, uploadRequest(admin, ""));
    expect(empty.status).toBe(400);
    expect(empty.data.importError).toMatch(/请选择/);
    const huge = uploadRequest(admin, new Uint8Array(21 * 1024 * 1024));
    const oversize = await callAction(plansRoute.action as ActionFunction, huge);
    expect(oversize.status).toBe(413);
    expect(oversize.data.importError).toMatch(/超过 20 MB/);
    expect(await tableChecksums(getDb())).toEqual(sums);
  });
});
