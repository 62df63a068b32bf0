// The first start's demo story (demo-story.server.ts): last year lived through and 定稿, this year
// started from its summary and reported up to this week — deterministic for a given today.
import { mkdirSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateToLatest, openDatabase, type AppDatabase } from "../../db/index";
import { bootstrapIfEmpty, demoYears, UNIT_SECRETARIES } from "../../app/models/bootstrap.server";
import { getPlan, findPlan } from "../../app/models/plans.server";
import { listBoard } from "../../app/routes/board/cards.server";
import { EMPTY_FILTERS } from "../../app/lib/board";
import { getLatestSummary } from "../../app/routes/summary/summary.server";
import { sectionOf } from "../../app/lib/summary/text";
import { getMetricDetail } from "../../app/routes/kpi/metric-detail.server";
import { getTodo } from "../../app/models/todo.server";
import { previousWeek, toDateKey, weekKeyOf } from "../../app/lib/weeks";

const dir = fileURLToPath(new URL("../.tmp/integration/demo-story/", import.meta.url));
// A Sunday noon in Shanghai, in December: most of the year has been reported.
const NOW = new Date("2026-12-06T04:00:00Z");
const TODAY = toDateKey(NOW);
const opened: AppDatabase[] = [];

async function freshStart(name: string, now: Date, production = false): Promise<AppDatabase> {
  mkdirSync(dir, { recursive: true });
  const path = `${dir}${name}-${process.pid}.sqlite`;
  rmSync(path, { force: true });
  const db = openDatabase(path);
  opened.push(db);
  await migrateToLatest(db);
  await bootstrapIfEmpty(db, { production, demoPassword: "demo-pass-2025", now });
  return db;
}

/** Everything the story wrote that a user sees, without row ids or wall-clock times of the run. */
async function storyDigest(db: AppDatabase) {
  const updates = await db
    .selectFrom("updates")
    .innerJoin("tasks", "tasks.id", "updates.task_id")
    .innerJoin("units", "units.id", "updates.unit_id")
    .innerJoin("users", "users.id", "updates.author_id")
    .select([
      "tasks.code",
      "units.name",
      "users.username",
      "updates.week",
      "updates.body",
      "updates.progress",
      "updates.blockers",
      "updates.created_at",
    ])
    .orderBy("tasks.code")
    .orderBy("units.name")
    .orderBy("updates.week")
    .execute();
  const values = await db
    .selectFrom("metric_values")
    .innerJoin("metrics", "metrics.id", "metric_values.metric_id")
    .select(["metrics.name", "metric_values.week", "metric_values.value", "metric_values.unit_id"])
    .orderBy("metrics.name")
    .orderBy("metric_values.week")
    .orderBy("metric_values.unit_id")
    .orderBy("metric_values.value")
    .execute();
  const tasks = await db
    .selectFrom("tasks")
    .select(["code", "title", "status", "progress", "due_date", "done_at"])
    .orderBy("code")
    .execute();
  const comments = await db.selectFrom("comments").select(["kind", "body", "created_at"]).orderBy("created_at").orderBy("body").execute();
  const extensions = await db
    .selectFrom("task_extensions")
    .select(["status", "old_due_date", "requested_due_date", "reason", "created_at", "decided_at", "decision_note"])
    .orderBy("created_at")
    .execute();
  return { updates, values, tasks, comments, extensions };
}

let db: AppDatabase;
const years = demoYears(TODAY);

beforeAll(async () => {
  db = await freshStart("story", NOW);
}, 60_000);

afterAll(async () => {
  for (const d of opened) await d.destroy();
});

describe("demo story at first start", () => {
  it("derives its years from today: the seed plan is last year's, this year's plan was started from its summary", async () => {
    expect(years).toEqual({ last: 2025, current: 2026 });
    const plans = await db.selectFrom("plans").select(["year", "status"]).orderBy("year").execute();
    expect(plans.map((p) => p.year)).toEqual([years.last, years.current]);
    // The board opens on this year.
    expect((await findPlan(db, null, TODAY))?.year).toBe(years.current);

    const later = await freshStart("later", new Date("2027-05-12T02:00:00Z"));
    expect((await later.selectFrom("plans").select("year").orderBy("year").execute()).map((p) => p.year)).toEqual([2026, 2027]);
  }, 60_000);

  it("is deterministic: the same today gives the same 填报, figures, cards and comments", async () => {
    const again = await freshStart("again", NOW);
    const [a, b] = [await storyDigest(db), await storyDigest(again)];
    expect(b.updates.length).toBe(a.updates.length);
    expect(b).toEqual(a);
  }, 60_000);

  it("creates none of it on a real installation (DEMO=0)", async () => {
    const production = await freshStart("production", NOW, true);
    expect(await production.selectFrom("plans").selectAll().execute()).toEqual([]);
    expect(await production.selectFrom("updates").selectAll().execute()).toEqual([]);
    expect(await production.selectFrom("tasks").selectAll().execute()).toEqual([]);
    expect(await production.selectFrom("comments").selectAll().execute()).toEqual([]);
    expect(await production.selectFrom("task_extensions").selectAll().execute()).toEqual([]);
    expect(await production.selectFrom("summaries").selectAll().execute()).toEqual([]);
    expect((await production.selectFrom("users").select("username").execute()).map((u) => u.username)).toEqual(["admin"]);
  }, 60_000);

  it("has every 填报 of both years written by the unit's own secretary, marked 演示数据", async () => {
    const rows = await db
      .selectFrom("updates")
      .innerJoin("users", "users.id", "updates.author_id")
      .select(["updates.unit_id", "users.unit_id as author_unit", "users.role", "updates.is_demo", "updates.body"])
      .execute();
    expect(rows.length).toBeGreaterThan(500);
    for (const row of rows) {
      expect(row.role).toBe("secretary");
      expect(row.author_unit).toBe(row.unit_id);
      expect(row.is_demo).toBe(1);
      expect(row.body.startsWith("【演示数据】")).toBe(true);
    }
    const secretaries = await db.selectFrom("users").select(["username", "unit_id"]).where("role", "=", "secretary").execute();
    expect(secretaries.map((s) => s.username).sort()).toEqual(["secretary", ...UNIT_SECRETARIES.map((s) => s.username)].sort());
    expect(new Set(secretaries.map((s) => s.unit_id)).size).toBe(12);
  });

  it("lives last year through: reports from each task's first week, most cards 已销号, two 结转, one 驳回 then 验收", async () => {
    const plan = (await findPlan(db, years.last, TODAY))!;
    const tasks = await db.selectFrom("tasks").selectAll().where("plan_id", "=", plan.id).orderBy("code").execute();
    const done = tasks.filter((t) => t.status === "done");
    const carried = tasks.filter((t) => t.carried_to_task_id !== null);
    expect(done.length).toBeGreaterThanOrEqual(tasks.length - 2);
    expect(carried.length).toBeGreaterThanOrEqual(1);
    expect(carried.length).toBeLessThanOrEqual(2);
    for (const task of tasks) {
      const weeks = await db.selectFrom("updates").select("week").distinct().where("task_id", "=", task.id).orderBy("week").execute();
      expect(weeks[0]?.week).toBe(weekKeyOf(task.start_date!));
      expect(weeks.length).toBeGreaterThan(15);
    }
    const kinds = await db
      .selectFrom("comments")
      .innerJoin("tasks", "tasks.id", "comments.task_id")
      .select(["comments.kind", "comments.task_id"])
      .where("tasks.plan_id", "=", plan.id)
      .execute();
    const rejected = kinds.filter((k) => k.kind === "reject");
    expect(rejected).toHaveLength(1);
    expect(kinds.some((k) => k.kind === "verify" && k.task_id === rejected[0].task_id)).toBe(true);
    expect(kinds.filter((k) => k.kind === "urge").length).toBeGreaterThanOrEqual(2);
    expect(kinds.filter((k) => k.kind === "comment").length).toBeGreaterThanOrEqual(2);
  });

  it("lands last year's figures near their targets: most at or above, a few short", async () => {
    const plan = (await findPlan(db, years.last, TODAY))!;
    // Of finished work: unfinished (结转) work is clearly short of its targets.
    const metrics = await db
      .selectFrom("metrics")
      .innerJoin("tasks", "tasks.id", "metrics.task_id")
      .select(["metrics.id", "metrics.target"])
      .where("metrics.plan_id", "=", plan.id)
      .where("metrics.target", "is not", null)
      .where("tasks.status", "=", "done")
      .execute();
    expect(metrics.length).toBeGreaterThan(0);
    let above = 0;
    let short = 0;
    for (const m of metrics) {
      const detail = (await getMetricDetail(db, m.id, TODAY))!;
      const ratio = detail.evaluation.actual! / m.target!;
      expect(ratio).toBeGreaterThan(0.65);
      expect(ratio).toBeLessThan(1.25);
      if (ratio >= 1) above++;
      else short++;
    }
    expect(above).toBeGreaterThan(short);
    expect(short).toBeGreaterThanOrEqual(1);
  });

  it("shows a continuing measure's full trend last year (no empty weeks from its start) and this year's weeks so far", async () => {
    const current = (await findPlan(db, years.current, TODAY))!;
    const continuing = await db
      .selectFrom("metrics")
      .innerJoin("tasks", "tasks.id", "metrics.task_id")
      .select(["metrics.id", "metrics.name", "metrics.baseline"])
      .where("metrics.plan_id", "=", current.id)
      .where("metrics.baseline", "is not", null)
      .execute();
    expect(continuing.length).toBeGreaterThan(0);
    const measure = continuing[0];
    const lastMetric = await db
      .selectFrom("metrics")
      .innerJoin("plans", "plans.id", "metrics.plan_id")
      .select("metrics.id")
      .where("plans.year", "=", years.last)
      .where("metrics.name", "=", measure.name)
      .where("metrics.task_id", "is not", null)
      .executeTakeFirstOrThrow();
    const last = (await getMetricDetail(db, lastMetric.id, TODAY))!;
    const firstIndex = last.trend.findIndex((v) => v !== null);
    expect(firstIndex).toBeLessThanOrEqual(1);
    expect(last.weekly.slice(firstIndex, firstIndex + 20).every((v) => v !== null)).toBe(true);
    // This year's baseline is last year's actual (of the measure's most complete report, as the summary states it).
    expect(measure.baseline).toBeGreaterThanOrEqual(last.evaluation.actual!);
    const now = (await getMetricDetail(db, measure.id, TODAY))!;
    const reportedWeeks = new Set(now.values.map((v) => v.week));
    expect(reportedWeeks.has(previousWeek(weekKeyOf(TODAY)))).toBe(true);
    expect(reportedWeeks.size).toBeGreaterThan(40);
  });

  it("has last year's summary 定稿, its section 四 naming this year's tasks", async () => {
    const last = (await findPlan(db, years.last, TODAY))!;
    const summary = (await getLatestSummary(db, last.id))!;
    expect(summary.status).toBe("final");
    const plan = sectionOf(summary.content.document, "plan").body;
    const tasks = await db
      .selectFrom("tasks")
      .innerJoin("plans", "plans.id", "tasks.plan_id")
      .select(["tasks.title", "tasks.origin_ref"])
      .where("plans.year", "=", years.current)
      .execute();
    expect(tasks.length).toBeGreaterThanOrEqual(8);
    for (const task of tasks) {
      expect(task.origin_ref).toMatch(/^四\.\d+$/);
      expect(plan).toContain(task.title.replace(/[。；;，,、：:\s]+$/u, "").slice(0, 12));
    }
  });

  it("spreads this year's lights: mostly green, some yellow, one or two red with reasons; one unit silent this week", async () => {
    const plan = (await getPlan(db, (await findPlan(db, years.current, TODAY))!.id))!;
    const { cards } = await listBoard(db, plan, { filters: EMPTY_FILTERS, today: TODAY });
    expect(cards.length).toBeGreaterThanOrEqual(8);
    const count = (light: string) => cards.filter((c) => c.light.light === light).length;
    expect(count("yellow")).toBeGreaterThanOrEqual(1);
    expect(count("red")).toBeGreaterThanOrEqual(1);
    expect(count("red")).toBeLessThanOrEqual(2);
    expect(count("green")).toBeGreaterThan(count("yellow"));
    expect(count("green")).toBeGreaterThan(count("red"));
    for (const card of cards.filter((c) => c.light.light === "red")) expect(card.light.reasons.length).toBeGreaterThan(0);

    // Lead units of open cards have reported this week — all but one.
    const thisWeek = weekKeyOf(NOW);
    const open = cards.filter((c) => c.status === "in_progress" && c.leadUnit);
    const leadUnits = new Set(open.map((c) => c.leadUnit!.id));
    const reported = await db
      .selectFrom("updates")
      .select("unit_id")
      .distinct()
      .where("week", "=", thisWeek)
      .where(
        "task_id",
        "in",
        open.map((c) => c.id),
      )
      .execute();
    const silent = [...leadUnits].filter((u) => !reported.some((r) => r.unit_id === u));
    expect(silent).toHaveLength(1);
  });

  it("has one approved 延期 last year (its unit asked, a leader approved) and one 延期申请 this year waiting in the leaders' 我的待办", async () => {
    const requests = await db
      .selectFrom("task_extensions as e")
      .innerJoin("tasks", "tasks.id", "e.task_id")
      .innerJoin("plans", "plans.id", "tasks.plan_id")
      .innerJoin("users as applicant", "applicant.id", "e.requested_by")
      .leftJoin("task_units", (join) => join.onRef("task_units.task_id", "=", "tasks.id").on("task_units.role", "=", "lead"))
      .select([
        "plans.year",
        "e.status",
        "e.old_due_date",
        "e.requested_due_date",
        "tasks.due_date",
        "tasks.original_due_date",
        "tasks.status as task_status",
        "tasks.done_at",
        "applicant.role",
        "applicant.unit_id",
        "task_units.unit_id as lead_unit_id",
        "e.reason",
      ])
      .orderBy("plans.year")
      .execute();
    expect(requests.map((r) => [r.year, r.status])).toEqual([
      [years.last, "approved"],
      [years.current, "pending"],
    ]);
    for (const r of requests) {
      expect(r.role).toBe("secretary");
      expect(r.unit_id).toBe(r.lead_unit_id);
      expect(r.reason.startsWith("【演示数据】")).toBe(true);
      expect(r.requested_due_date > r.old_due_date!).toBe(true);
    }
    const [approved, pending] = requests;
    // The task moved to its new 完成时限, kept its first one, and was finished after all.
    expect(approved.due_date).toBe(approved.requested_due_date);
    expect(approved.original_due_date).toBe(approved.old_due_date);
    expect(approved.task_status).toBe("done");
    expect(toDateKey(approved.done_at!) > approved.old_due_date!).toBe(true);
    expect(pending.due_date).toBe(pending.old_due_date);
    // 经批准延期 reaches last year's summary.
    const summary = (await getLatestSummary(db, (await findPlan(db, years.last, TODAY))!.id))!;
    expect(JSON.stringify(summary.content.document)).toContain("经批准延期1项");

    const leader = await db.selectFrom("users").selectAll().where("username", "=", "leader").executeTakeFirstOrThrow();
    const todo = await getTodo(db, { id: leader.id, role: leader.role, unitId: leader.unit_id } as never, NOW, TODAY);
    expect(todo.extensions).toHaveLength(1);
  });

  it("gives every demo account but the viewer something in 我的待办", async () => {
    const users = await db.selectFrom("users").selectAll().where("role", "!=", "viewer").execute();
    expect(users).toHaveLength(14);
    for (const user of users) {
      const todo = await getTodo(db, { id: user.id, role: user.role, unitId: user.unit_id } as never, NOW, TODAY);
      const items =
        todo.due.length + todo.urges.filter((u) => !u.handled).length + todo.flagged.length + todo.rejections.length + todo.toVerify.length;
      expect(items, user.username).toBeGreaterThan(0);
    }
  });
});
