// The demo story's building blocks: a seeded generator, dates within weeks, the texts units
// write, one task's weekly 填报 with its figures, and small task reads and writes the story uses.
import type { Transaction } from "kysely";
import type { Database, NewMetricValue } from "../../db/schema";
import { weekRange } from "~/lib/weeks";
import { recordAudit } from "~/models/audit.server";

import { DEMO_MARK, demoMetricValue, insertDemoUpdate } from "~/models/demo-updates.server";

export type Trx = Transaction<Database>;

/** mulberry32: a small seeded generator, so the same `today` gives the same story. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY = 86_400_000;
export const HOUR = 3_600_000;

/** An instant `days` days and `hours` hours after the Monday (00:00 Shanghai) of the week. */
export function inWeek(week: string, days: number, hours: number): string {
  return new Date(weekRange(week).start.getTime() + days * DAY + hours * HOUR).toISOString();
}

/** 09:00 Shanghai of a date key, plus `hours`. */
export function onDay(dateKey: string, hours = 9): string {
  return new Date(new Date(`${dateKey}T00:00:00+08:00`).getTime() + hours * HOUR).toISOString();
}

export function addDaysKey(dateKey: string, days: number): string {
  const d = new Date(`${dateKey}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The last day of the month after the date key's month ("2025-06-30" → "2025-07-31"). */
export function monthEndAfter(dateKey: string): string {
  const [y, m] = dateKey.split("-").map(Number);
  return new Date(Date.UTC(y, m + 1, 0)).toISOString().slice(0, 10);
}

function shortTitle(title: string): string {
  const clean = title.replace(/[。；;，,、：:\s]+$/u, "");
  return clean.length > 18 ? `${clean.slice(0, 18)}…` : clean;
}

// ---------------------------------------------------------------- texts

const WORK_BY_AREA: Record<string, string[]> = {
  党建: ["召开党建联席会议，研究部署下一阶段工作", "组织党员志愿者开展主题党日活动", "开展基层党组织书记讲党课，覆盖党员"],
  经济: ["走访辖区重点企业，协调解决用工和融资问题", "跟进在谈招商项目，完成项目洽谈", "对接区发改部门，更新重点项目入库清单"],
  政务服务: ["梳理高频办理事项，优化“一窗通办”流程", "对热线工单逐件回访，核实办理结果", "开展窗口服务质量抽查并通报"],
  城市管理: ["联合执法队开展市容环境集中整治", "对老旧小区物业服务开展检查评议", "组织网格员巡查背街小巷，建立问题台账"],
  安全生产: ["开展燃气、消防安全隐患排查", "对“九小场所”逐户检查，督促整改隐患", "组织应急演练，检验处置流程"],
  民生保障: ["入户走访困难群众，更新救助台账", "举办社区招聘会，对接辖区用工需求", "开展居家养老服务上门探访"],
  宣传: ["开展政策宣讲进社区活动", "组织普法宣传进小区、进企业", "更新社区宣传栏和公众号内容"],
};
const WORK_GENERAL = [
  "召开专题推进会，细化任务分工和时间节点",
  "深入社区、企业走访调研，收集意见建议并逐条登记",
  "对照年度目标梳理进度，对滞后事项明确整改时限",
  "整理阶段性工作台账，形成工作简报报送街道",
];
const NEXT_STEPS = [
  "继续按计划推进，做好资料收集和归档",
  "针对走访中发现的问题逐项跟进落实",
  "对照时间节点查漏补缺，确保按期完成",
  "加强与配合单位沟通，形成工作合力",
];
export const BLOCKERS = [
  "部分商户配合度不高，整改推进较慢，需街道协调相关部门联合督办。",
  "项目审批手续尚未办结，资金拨付滞后，需街道协调区相关部门。",
  "涉及产权单位多，意见难以统一，需街道牵头召开协调会。",
];

function workText(category: string, pick: number): string {
  const bank = [...(WORK_BY_AREA[category] ?? []), ...WORK_GENERAL];
  return bank[pick % bank.length];
}

// ---------------------------------------------------------------- one task's weekly 填报

interface SeriesMetric {
  id: number;
  name: string;
  unit: string;
  aggregation: "sum" | "latest";
  /** The value the reports reach by the series' last week (whole-year total or year-end level). */
  reach: number;
}

interface Series {
  taskId: number;
  title: string;
  category: string;
  leadUnitId: number | null;
  supportUnitIds: number[];
  weeks: string[];
  /** Progress reported in each week of `weeks`. */
  progress: number[];
  metrics: SeriesMetric[];
  /** Weeks (indexes) the lead unit did not report. */
  leadSkips: Set<number>;
  /** From this week index on, the lead unit reports a 困难问题. */
  blockerFrom: number | null;
  blocker: string;
  /** The current week: reported by lead units on Monday–today, never by supporting units. */
  currentWeek: string | null;
}

export interface DemoWriter {
  secretaryOf: Map<number, number>;
  fallbackAuthorId: number;
  rand: () => number;
  /** Reports are never dated after this instant. */
  notAfter: string;
}

/** How a task's year went: the weeks and progress of its 填报; its title, category and units come from the task. */
export type SeriesCourse = Omit<Series, "taskId" | "title" | "category" | "leadUnitId" | "supportUnitIds">;

/** Writes a task's weekly 填报 and metric values; returns how many 填报 were written. */
export async function writeSeries(
  trx: Trx,
  task: Pick<TaskRow, "id" | "title" | "category">,
  unitIds: TaskUnits,
  course: SeriesCourse,
  writer: DemoWriter,
): Promise<number> {
  const series: Series = {
    taskId: task.id,
    title: task.title,
    category: task.category,
    leadUnitId: unitIds.lead,
    supportUnitIds: unitIds.support,
    ...course,
  };
  const { rand } = writer;
  let written = 0;
  const values: NewMetricValue[] = [];
  const weights = series.weeks.map(() => 0.6 + rand() * 0.8);
  const weightTotal = weights.reduce((a, b) => a + b, 0) || 1;
  const sumSoFar = new Map<number, number>();
  const units = [
    ...(series.leadUnitId !== null ? [{ unitId: series.leadUnitId, lead: true }] : []),
    ...series.supportUnitIds.map((unitId) => ({ unitId, lead: false })),
  ];
  for (const [weekIndex, week] of series.weeks.entries()) {
    const last = weekIndex === series.weeks.length - 1;
    const progress = series.progress[weekIndex];
    const isCurrent = week === series.currentWeek;
    const reporters = units.filter(
      (u, unitIndex) =>
        (u.lead && !series.leadSkips.has(weekIndex)) ||
        // Supporting units report most weeks (填报率 counts them too), each skipping about one in five.
        (!u.lead && !isCurrent && (weekIndex * 3 + unitIndex) % 5 !== 0 && !(series.leadUnitId === null && last)),
    );
    // Each week's amount of a summed measure (what is due by now less what was reported: a skipped
    // week's work is reported the next week): the lead unit's, with a share for a reporting supporter.
    const amounts = series.metrics.map((m) => {
      const due = Math.round((m.reach * weights.slice(0, weekIndex + 1).reduce((a, b) => a + b, 0)) / weightTotal);
      return Math.max(0, due - (sumSoFar.get(m.id) ?? 0));
    });
    for (const [reporterIndex, reporter] of reporters.entries()) {
      const author = writer.secretaryOf.get(reporter.unitId) ?? writer.fallbackAuthorId;
      const late = reporter.lead && !isCurrent && rand() < 0.06;
      let at = isCurrent
        ? inWeek(week, 0, 9 + reporterIndex * 0.5 + rand() * 2)
        : late
          ? inWeek(week, 7, 9.5 + rand())
          : inWeek(week, 3 + Math.floor(rand() * 2), 15 + rand() * 3);
      if (at > writer.notAfter) at = writer.notAfter;
      const blocker = reporter.lead && series.blockerFrom !== null && weekIndex >= series.blockerFrom ? series.blocker : "";
      const figures = reporter.lead
        ? series.metrics
            .map((m, i) =>
              m.aggregation === "sum"
                ? amounts[i] > 0
                  ? `${m.name}${amounts[i]}${m.unit}`
                  : ""
                : `${m.name}累计${Math.round((m.reach * progress) / Math.max(1, series.progress.at(-1)!))}${m.unit}`,
            )
            .filter(Boolean)
        : [];
      const body =
        `${DEMO_MARK}围绕“${shortTitle(series.title)}”，${reporter.lead ? "" : "配合牵头单位"}` +
        `${workText(series.category, weekIndex + reporterIndex + Math.floor(rand() * 3))}` +
        (figures.length ? `；本周完成${figures.join("、")}` : "") +
        "。";
      const updateId = await insertDemoUpdate(trx, {
        taskId: series.taskId,
        unitId: reporter.unitId,
        authorId: author,
        week,
        body,
        progress,
        nextSteps: NEXT_STEPS[(weekIndex + reporterIndex) % NEXT_STEPS.length],
        blockers: blocker,
        at,
      });
      written++;
      for (const [i, metric] of series.metrics.entries()) {
        let value: number;
        if (metric.aggregation === "sum") {
          // The lead unit reports most of the week's amount; the supporters reporting that week share
          // under a third of it.
          const supporters = reporters.filter((r) => !r.lead).length;
          const supportShare = supporters ? Math.floor((amounts[i] * 0.3) / supporters) : 0;
          value = reporter.lead ? amounts[i] - supportShare * supporters : supportShare;
          if (!reporter.lead && value <= 0) continue;
        } else {
          if (!reporter.lead) continue;
          value = Math.round((metric.reach * progress) / Math.max(1, series.progress.at(-1)!));
        }
        if (metric.aggregation === "sum") sumSoFar.set(metric.id, (sumSoFar.get(metric.id) ?? 0) + value);
        values.push(demoMetricValue(metric.id, value, { unitId: reporter.unitId, week, updateId, authorId: author, at }));
      }
    }
  }
  for (let i = 0; i < values.length; i += 200)
    await trx
      .insertInto("metric_values")
      .values(values.slice(i, i + 200))
      .execute();
  return written;
}

/** A rising progress curve reaching `final` in the last week. */
export function progressCurve(count: number, final: number, rand: () => number): number[] {
  const bend = 0.8 + rand() * 0.4;
  const curve: number[] = [];
  for (let i = 0; i < count; i++) {
    const p = Math.round(final * Math.pow((i + 1) / count, bend));
    curve.push(Math.max(curve.at(-1) ?? 0, Math.min(final, p)));
  }
  return curve;
}

// ---------------------------------------------------------------- the story

export interface DemoStoryInput {
  /** The seed plan (last year), its tasks as imported. */
  lastPlanId: number;
  /** Today in Shanghai ("YYYY-MM-DD"): this year is its year. */
  today: string;
  now: Date;
  leaderId: number;
  adminId: number;
  /** Each unit's demo secretary. */
  secretaryOf: Map<number, number>;
}

export interface StoryClock extends DemoStoryInput {
  /** When 开启下一年度 created this year's plan. */
  startedAt: string;
}

export interface DemoStoryResult {
  lastPlanId: number;
  currentPlanId: number;
  updates: { last: number; current: number };
}

export interface TaskRow {
  id: number;
  code: string;
  title: string;
  category: string;
  origin: string;
  start_date: string | null;
  due_date: string | null;
}

export async function planTasks(trx: Trx, planId: number): Promise<TaskRow[]> {
  return trx
    .selectFrom("tasks")
    .select(["id", "code", "title", "category", "origin", "start_date", "due_date"])
    .where("plan_id", "=", planId)
    .orderBy("code")
    .execute();
}

export interface TaskUnits {
  lead: number | null;
  support: number[];
}

export async function taskUnits(trx: Trx, taskId: number): Promise<TaskUnits> {
  const rows = await trx.selectFrom("task_units").select(["unit_id", "role"]).where("task_id", "=", taskId).orderBy("unit_id").execute();
  return {
    lead: rows.find((r) => r.role === "lead")?.unit_id ?? null,
    support: rows.filter((r) => r.role === "support").map((r) => r.unit_id),
  };
}

/** The task's metrics that have a target, each with the value its reports reach (`reach(target, index)`, rounded). */
export async function seriesMetrics(trx: Trx, taskId: number, reach: (target: number, index: number) => number): Promise<SeriesMetric[]> {
  const rows = await trx
    .selectFrom("metrics")
    .select(["id", "name", "unit", "target", "aggregation"])
    .where("task_id", "=", taskId)
    .where("target", "is not", null)
    .orderBy("id")
    .execute();
  return rows.map((m, i) => ({ id: m.id, name: m.name, unit: m.unit, aggregation: m.aggregation, reach: Math.round(reach(m.target!, i)) }));
}

export async function setStatus(
  trx: Trx,
  task: { id: number },
  state: { status: "not_started" | "in_progress" | "pending_review" | "done"; progress: number; doneAt: string | null },
) {
  await trx
    .updateTable("tasks")
    .set({ status: state.status, progress: state.progress, done_at: state.doneAt })
    .where("id", "=", task.id)
    .execute();
}

/**
 * A leader's remark on a task and the lead unit's secretary's answer later the same day (when the
 * lead unit has a demo account).
 */
export async function remarkAndReply(
  trx: Trx,
  writer: DemoWriter,
  at: { taskId: number; leadUnitId: number | null; leaderId: number; week: string; day: number; hours: [number, number] },
  remark: string,
  reply: string,
) {
  await comment(trx, { taskId: at.taskId, authorId: at.leaderId, kind: "comment", body: remark, at: inWeek(at.week, at.day, at.hours[0]) });
  const secretaryId = at.leadUnitId === null ? undefined : writer.secretaryOf.get(at.leadUnitId);
  if (secretaryId === undefined) return;
  await comment(trx, { taskId: at.taskId, authorId: secretaryId, kind: "comment", body: reply, at: inWeek(at.week, at.day, at.hours[1]) });
}

export async function comment(
  trx: Trx,
  values: {
    taskId: number;
    authorId: number;
    kind: "comment" | "urge" | "verify" | "reject";
    body: string;
    at: string;
    targetUnitId?: number;
  },
) {
  await trx
    .insertInto("comments")
    .values({
      task_id: values.taskId,
      author_id: values.authorId,
      kind: values.kind,
      target_unit_id: values.targetUnitId ?? null,
      body: `${DEMO_MARK}${values.body}`,
      created_at: values.at,
    })
    .execute();
}

export async function moveAudit(
  trx: Trx,
  actorId: number,
  taskId: number,
  from: string,
  to: string,
  at: string,
  kind = "move",
  reason?: string,
) {
  await recordAudit(
    trx,
    {
      actorId,
      action: `task.${kind}`,
      entity: "task",
      entityId: taskId,
      before: { status: from },
      after: { from, to, ...(reason ? { reason } : {}) },
    },
    new Date(at),
  );
}

/** Last year, lived through: weekly 填报 from each task's start to its end, and how each card ended. */
