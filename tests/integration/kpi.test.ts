// The KPI queries against a real database: SQL aggregates must agree with the tested pure
// arithmetic (~/lib/kpi) on the same rows, filters must pick the right metrics, and the
// overview must count what is in the tables.
import { beforeAll, describe, expect, it } from "vitest";
import { aggregateActual, actualTrend, type Metric } from "../../app/lib/kpi";
import { DEFAULT_KPI_FILTERS, actualFromTotals, totalsFromWeeks, trendFromWeekTotals } from "../../app/lib/kpi-report";
import { lastFinishedWeeks, loadKpiPage, planWeeks } from "../../app/routes/kpi/queries.server";
import { loadMetricTotals, loadWeekTotals, weekTotalsQuery } from "../../app/models/metric-totals.server";
import { getMetricDetail } from "../../app/routes/kpi/metric-detail.server";
import { weekKeyOf, weekRange } from "../../app/lib/weeks";
import { getDb } from "../../app/utils/db.server";
import { seededRandom as random } from "../seeded-random";
import { findPlan, type PlanInfo } from "../../app/models/plans.server";

const TODAY = "2025-07-02"; // W27; 序时进度 of a full-year metric: 50%

let plan: PlanInfo;
let units: { id: number; name: string }[];
let leaderId: number;
let secretaryId: number;

async function addMetric(fields: {
  name: string;
  unit: string;
  target: number | null;
  direction: Metric["direction"];
  aggregation: Metric["aggregation"];
  taskId?: number | null;
  category?: string;
  baseline?: number | null;
}) {
  const now = new Date().toISOString();
  const row = await getDb()
    .insertInto("metrics")
    .values({
      plan_id: plan.id,
      task_id: fields.taskId ?? null,
      name: fields.name,
      unit: fields.unit,
      baseline: fields.baseline ?? null,
      target: fields.target,
      direction: fields.direction,
      aggregation: fields.aggregation,
      category: fields.category ?? "",
      sort_order: 900,
      created_at: now,
      updated_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

async function addValue(metricId: number, unitId: number, week: string, value: number, reportedAt?: string) {
  await getDb()
    .insertInto("metric_values")
    .values({
      metric_id: metricId,
      unit_id: unitId,
      week,
      value,
      reported_by: secretaryId,
      reported_at: reportedAt ?? new Date(weekRange(week).start.getTime() + 3 * 86400000).toISOString(),
    })
    .execute();
}

beforeAll(async () => {
  const db = getDb();
  plan = (await findPlan(db, 2025, TODAY))!;
  units = await db.selectFrom("units").select(["id", "name"]).orderBy("sort_order").execute();
  leaderId = (await db.selectFrom("users").select("id").where("username", "=", "leader").executeTakeFirstOrThrow()).id;
  secretaryId = (await db.selectFrom("users").select("id").where("username", "=", "secretary").executeTakeFirstOrThrow()).id;
});

describe("week totals in SQL", () => {
  it("give the same actuals and trends as the pure arithmetic, on random values with late reports", async () => {
    const db = getDb();
    const next = random(42);
    const kinds = [
      { name: "排查商户", unit: "次", target: 3500, direction: "up", aggregation: "sum" },
      { name: "累计完成投资", unit: "万元", target: 2370, direction: "up", aggregation: "latest" },
      { name: "失业率", unit: "%", target: 4.5, direction: "cap", aggregation: "latest" },
      { name: "满意率", unit: "%", target: 95, direction: "floor", aggregation: "sum" },
      { name: "信访件数", unit: "件", target: 80, direction: "down", aggregation: "latest" },
    ] as const;
    const weeks = planWeeks(2025, TODAY);
    const ids: number[] = [];
    for (const kind of kinds) {
      const id = await addMetric({ ...kind, category: "测试" });
      ids.push(id);
      for (const unit of units.slice(0, 6)) {
        for (const week of weeks) {
          if (next() < 0.5) continue;
          const late = next() < 0.2;
          const reportedAt = new Date(weekRange(week).end.getTime() + (late ? 20 : -1) * 86400000).toISOString();
          await addValue(id, unit.id, week, Math.round(next() * 10000) / 100, reportedAt);
        }
      }
    }
    const totals = await loadWeekTotals(db, plan.id);
    for (const [index, id] of ids.entries()) {
      const metric: Metric = { ...kinds[index], baseline: null };
      const raw = await db.selectFrom("metric_values").selectAll().where("metric_id", "=", id).execute();
      const values = raw.map((v) => ({ unitId: v.unit_id, weekKey: v.week, value: v.value, reportedAt: v.reported_at }));
      expect(raw.length).toBeGreaterThan(20);
      const rows = totals.get(id)!;
      expect(actualFromTotals(metric, totalsFromWeeks(rows))).toBeCloseTo(aggregateActual(metric, values)!, 6);
      const sqlTrend = trendFromWeekTotals(metric, rows, weeks);
      const libTrend = actualTrend(metric, values, weeks);
      sqlTrend.forEach((v, i) => (v === null ? expect(libTrend[i]).toBeNull() : expect(v).toBeCloseTo(libTrend[i]!, 6)));

      // One unit's share, filtered in SQL, equals the pure per-unit figure.
      const unitId = units[0].id;
      const own = (await loadWeekTotals(db, plan.id, { unitId })).get(id);
      const ownValues = values.filter((v) => v.unitId === unitId);
      expect(own ? actualFromTotals(metric, totalsFromWeeks(own)) : null).toBeCloseTo(aggregateActual(metric, ownValues) ?? NaN, 6);
    }

    // The board's per-metric totals (no window) are the week totals folded, for every metric of
    // the plan — the seed's too — and for one task's metrics alone.
    const metricTotals = await loadMetricTotals(db, plan.id);
    const allMetrics = await db.selectFrom("metrics").select(["id", "task_id"]).where("plan_id", "=", plan.id).execute();
    for (const { id } of allMetrics) {
      const folded = totalsFromWeeks(totals.get(id) ?? []);
      const direct = metricTotals.get(id) ?? null;
      if (!folded) expect(direct).toBeNull();
      else {
        expect(direct!.unitCount).toBe(folded.unitCount);
        expect(direct!.amount).toBeCloseTo(folded.amount, 6);
        expect(direct!.latestSum).toBeCloseTo(folded.latestSum, 6);
      }
    }
    expect(metricTotals.size).toBeGreaterThanOrEqual(ids.length);
    const taskMetric = allMetrics.find((m) => m.task_id != null && metricTotals.has(m.id));
    expect(taskMetric, "a task metric with reported values").toBeDefined();
    const own = await loadMetricTotals(db, plan.id, [taskMetric!.task_id!]);
    const expected = allMetrics.filter((m) => m.task_id === taskMetric!.task_id && metricTotals.has(m.id)).map((m) => m.id);
    expect([...own.keys()].sort()).toEqual(expected.sort());
    expect(own.get(taskMetric!.id)).toEqual(metricTotals.get(taskMetric!.id));
    expect((await loadMetricTotals(db, plan.id, [])).size).toBe(0);
  });

  it.runIf(process.env.DATABASE_URL)("on PostgreSQL can read the plan's values through an index of metric_values", async () => {
    const db = getDb();
    const { sql } = await import("kysely");
    // The demo plan is small enough for a sequential scan to be cheaper; forbid it to see that an index serves.
    const plan_ = await db.transaction().execute(async (trx) => {
      await sql`set local enable_seqscan = off`.execute(trx);
      const { rows } = await sql<{ "QUERY PLAN": string }>`explain ${weekTotalsQuery(plan.id)}`.execute(trx);
      return rows.map((r) => r["QUERY PLAN"]).join("\n");
    });
    expect(plan_).toMatch(/Index (Only )?Scan using \S+ on metric_values mv|Bitmap Heap Scan on metric_values mv/);
    expect(plan_).not.toMatch(/Seq Scan on metric_values/);
  });

  it.skipIf(process.env.DATABASE_URL)(
    "use the indexes: the plan's values are read through metric_values' unique index, never a full scan",
    async () => {
      const db = getDb();
      const { sql } = await import("kysely");
      const { rows } = await sql<{ detail: string }>`explain query plan ${weekTotalsQuery(plan.id)}`.execute(db);
      const plan_ = rows.map((r) => r.detail).join("\n");
      expect(plan_).toMatch(/SEARCH mv USING (COVERING )?INDEX/);
      expect(plan_).not.toMatch(/SCAN mv\b(?! USING)/);
    },
  );
});

describe("the KPI page data", () => {
  it("shows task metrics with targets by default and last year's figures with scope=all", async () => {
    const db = getDb();
    const page = await loadKpiPage(db, plan, DEFAULT_KPI_FILTERS, TODAY);
    const all = await loadKpiPage(db, plan, { ...DEFAULT_KPI_FILTERS, scope: "all" }, TODAY);
    const total = await db
      .selectFrom("metrics")
      .select(db.fn.countAll<number>().as("n"))
      .where("plan_id", "=", plan.id)
      .executeTakeFirstOrThrow();
    expect(all.shown).toBe(Number(total.n));
    const shownIds = page.groups.flatMap((g) => g.rows);
    expect(shownIds.every((r) => r.target !== null || r.evaluation.actual !== null)).toBe(true);
    expect(page.shown + page.untracked).toBe(Number(total.n));
    // Task metrics carry their task, leader and 序时进度 from the task's span.
    const taskRow = shownIds.find((r) => r.task !== null)!;
    const task = await db.selectFrom("tasks").selectAll().where("id", "=", taskRow.task!.id).executeTakeFirstOrThrow();
    expect(taskRow.leader?.id).toBe(task.lead_user_id);
    expect(taskRow.category).not.toBe("");
  });

  it("filters by unit (its tasks, or values it reported) and shows the unit's share", async () => {
    const db = getDb();
    const unit = units.find((u) => u.name === "龙腾社区")!;
    const outsider = await addMetric({
      name: "龙腾社区自报指标",
      unit: "次",
      target: 10,
      direction: "up",
      aggregation: "sum",
      category: "测试",
    });
    await addValue(outsider, unit.id, "2025-W20", 4);
    await addValue(outsider, units[0].id, "2025-W20", 3);
    const page = await loadKpiPage(db, plan, { ...DEFAULT_KPI_FILTERS, unit: unit.id }, TODAY);
    const rows = page.groups.flatMap((g) => g.rows);
    const ownTasks = new Set(
      (await db.selectFrom("task_units").select("task_id").where("unit_id", "=", unit.id).execute()).map((r) => r.task_id),
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const reported = await db
        .selectFrom("metric_values")
        .select("id")
        .where("metric_id", "=", row.id)
        .where("unit_id", "=", unit.id)
        .executeTakeFirst();
      expect((row.task && ownTasks.has(row.task.id)) || reported !== undefined).toBe(true);
    }
    const outsiderRow = rows.find((r) => r.id === outsider)!;
    expect(outsiderRow.evaluation.actual).toBe(7);
    expect(outsiderRow.unitActual).toBe(4);
    expect(page.unitName).toBe("龙腾社区");
  });

  it("filters by leader and by light, and the light counts match the rows", async () => {
    const db = getDb();
    const byLeader = await loadKpiPage(db, plan, { ...DEFAULT_KPI_FILTERS, leader: leaderId }, TODAY);
    const rows = byLeader.groups.flatMap((g) => g.rows);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.leader?.id === leaderId)).toBe(true);
    const nobody = await loadKpiPage(db, plan, { ...DEFAULT_KPI_FILTERS, leader: 999999 }, TODAY);
    expect(nobody.shown).toBe(0);

    const everything = await loadKpiPage(db, plan, DEFAULT_KPI_FILTERS, TODAY);
    for (const light of ["red", "yellow", "green", "none"] as const) {
      const filtered = await loadKpiPage(db, plan, { ...DEFAULT_KPI_FILTERS, light }, TODAY);
      expect(filtered.shown).toBe(everything.shownLights[light]);
      expect(filtered.groups.flatMap((g) => g.rows).every((r) => r.evaluation.light === light)).toBe(true);
    }
  });

  it("counts tasks by status and light, and units' reporting over the last four finished weeks", async () => {
    const db = getDb();
    const weeks = lastFinishedWeeks(2025, TODAY);
    expect(weeks).toEqual(["2025-W23", "2025-W24", "2025-W25", "2025-W26"]);
    const assignment = await db
      .selectFrom("task_units")
      .innerJoin("tasks", "tasks.id", "task_units.task_id")
      .select(["task_units.task_id", "task_units.unit_id"])
      .where("tasks.plan_id", "=", plan.id)
      .where("tasks.status", "!=", "done")
      .executeTakeFirstOrThrow();
    const before = await loadKpiPage(db, plan, DEFAULT_KPI_FILTERS, TODAY);
    const now = new Date().toISOString();
    for (const week of weeks.slice(0, 2)) {
      await db
        .insertInto("updates")
        .values({
          task_id: assignment.task_id,
          unit_id: assignment.unit_id,
          author_id: secretaryId,
          week,
          body: "本周完成排查",
          progress: 40,
          created_at: now,
          updated_at: now,
        })
        .execute();
    }
    const after = await loadKpiPage(db, plan, DEFAULT_KPI_FILTERS, TODAY);
    const was = before.overview.reporting.find((r) => r.unitId === assignment.unit_id)!;
    const is = after.overview.reporting.find((r) => r.unitId === assignment.unit_id)!;
    expect(is.expected).toBe(was.expected);
    expect(is.reported).toBe(was.reported + 2);

    const statuses = await db.selectFrom("tasks").select("status").where("plan_id", "=", plan.id).execute();
    expect(after.overview.taskCount).toBe(statuses.length);
    expect(after.overview.byStatus.done).toBe(statuses.filter((s) => s.status === "done").length);
    const lights = after.overview.byLight;
    expect(lights.green + lights.yellow + lights.red + lights.done).toBe(statuses.length);
    expect(after.overview.byLight.done).toBe(after.overview.byStatus.done);
  });
});

describe("a long category", () => {
  it("shows its first rows with the rest counted, and all of them with all=1 or its category", async () => {
    const { GROUP_ROW_LIMIT } = await import("../../app/lib/kpi-report");
    const db = getDb();
    for (let i = 0; i < GROUP_ROW_LIMIT + 5; i += 1) {
      await addMetric({ name: `长类别指标${i}`, unit: "次", target: 10, direction: "up", aggregation: "sum", category: "长类别" });
    }
    const page = await loadKpiPage(db, plan, DEFAULT_KPI_FILTERS, TODAY);
    const long = page.groups.find((g) => g.category === "长类别")!;
    expect(long.rows).toHaveLength(GROUP_ROW_LIMIT);
    expect(long.hidden).toBe(5);
    expect(long.counts.none).toBe(GROUP_ROW_LIMIT + 5);
    expect(page.shown).toBe(page.groups.reduce((n, g) => n + g.rows.length + g.hidden, 0));
    const all = await loadKpiPage(db, plan, { ...DEFAULT_KPI_FILTERS, all: true }, TODAY);
    expect(all.groups.find((g) => g.category === "长类别")!.rows).toHaveLength(GROUP_ROW_LIMIT + 5);
    const one = await loadKpiPage(db, plan, { ...DEFAULT_KPI_FILTERS, category: "长类别" }, TODAY);
    expect(one.groups).toHaveLength(1);
    expect(one.groups[0].rows).toHaveLength(GROUP_ROW_LIMIT + 5);
  });
});

describe("one metric in full", () => {
  it("has per-unit contributions, every value with who and when, and late reports marked", async () => {
    const db = getDb();
    const id = await addMetric({ name: "排查居民楼", unit: "户", target: 100, direction: "up", aggregation: "sum", category: "测试" });
    await addValue(id, units[0].id, "2025-W10", 30);
    await addValue(id, units[1].id, "2025-W10", 5);
    // W11 reported three weeks late.
    await addValue(id, units[0].id, "2025-W11", 20, new Date(weekRange("2025-W14").start.getTime() + 3600000).toISOString());
    const detail = (await getMetricDetail(db, id, TODAY))!;
    expect(detail.evaluation.actual).toBe(55);
    expect(detail.evaluation.percent).toBe(55);
    expect(detail.contributions.map((c) => [c.name, c.actual, c.values])).toEqual([
      [units[0].name, 50, 2],
      [units[1].name, 5, 1],
    ]);
    expect(detail.values).toHaveLength(3);
    expect(detail.values[0]).toMatchObject({ week: "2025-W11", late: true, reportedBy: "陈书记" });
    expect(detail.values.filter((v) => v.late)).toHaveLength(1);
    const w10 = detail.weeks.indexOf("2025-W10");
    expect(detail.weekly[w10]).toBe(35);
    expect(detail.trend[w10]).toBe(35);
    expect(detail.trend[w10 + 1]).toBe(55);
    expect(detail.weeks.at(-1)).toBe(weekKeyOf(TODAY));
    expect(await getMetricDetail(db, 999999, TODAY)).toBeNull();
  });
});

describe("the KPI routes", () => {
  it("let every role read the page, with the export offered to leaders and admins only", async () => {
    const route = await import("../../app/routes/kpi/route");
    const { callLoader, cookieFor, makeRequest } = await import("./helpers");
    for (const [username, canExport] of [
      ["viewer", false],
      ["secretary", false],
      ["leader", true],
      ["admin", true],
    ] as const) {
      const outcome = await callLoader(
        route.loader,
        makeRequest("/kpi?year=2025&light=green&sort=light", { cookie: await cookieFor(username) }),
      );
      expect(outcome.status).toBe(200);
      expect(outcome.data.canExport).toBe(canExport);
      expect(outcome.data.filters).toMatchObject({ light: "green", sort: "light" });
      expect(
        outcome.data.page.groups
          .flatMap((g: { rows: { evaluation: { light: string } }[] }) => g.rows)
          .every((r: { evaluation: { light: string } }) => r.evaluation.light === "green"),
      ).toBe(true);
    }
    const anonymous = await callLoader(route.loader, makeRequest("/kpi"));
    expect(anonymous.status).toBe(302);
    expect(anonymous.location).toBe("/login?redirectTo=%2Fkpi");
    const missing = await callLoader(route.loader, makeRequest("/kpi?year=2031", { cookie: await cookieFor("viewer") }));
    expect(missing.status).toBe(200);
    expect(missing.data.plan).toBeNull();
    // Malformed filters are ignored, never a 500.
    const odd = await callLoader(
      route.loader,
      makeRequest("/kpi?year=abc&unit=x&light=purple&sort=%27", { cookie: await cookieFor("viewer") }),
    );
    expect(odd.status).toBe(200);
  });

  it("answer 404 for a metric that does not exist or a malformed id", async () => {
    const detail = await import("../../app/routes/kpi_.$metricId");
    const { callLoader, cookieFor, makeRequest } = await import("./helpers");
    const cookie = await cookieFor("viewer");
    for (const id of ["999999", "abc", "1e3", "-1"]) {
      const outcome = await callLoader(detail.loader, makeRequest(`/kpi/${id}`, { cookie }), { params: { metricId: id } });
      expect(outcome.status, id).toBe(404);
    }
    // A goal to reach (up, with a positive target): its page draws a 序时 line.
    const metric = await getDb()
      .selectFrom("metrics")
      .select(["id", "target"])
      .where("plan_id", "=", plan.id)
      .where("direction", "=", "up")
      .where("target", ">", 0)
      .executeTakeFirstOrThrow();
    const ok = await callLoader(detail.loader, makeRequest(`/kpi/${metric.id}`, { cookie }), { params: { metricId: String(metric.id) } });
    expect(ok.status).toBe(200);
    expect(ok.data.detail.metric.id).toBe(metric.id);
    // The 序时 line rises week by week and never passes the target.
    const line = ok.data.expectedLine as number[];
    expect(line.length).toBeGreaterThan(1);
    expect(line.at(-1)).toBeGreaterThan(line[0]);
    expect(line.at(-1)).toBeLessThanOrEqual(metric.target!);
  });
});
