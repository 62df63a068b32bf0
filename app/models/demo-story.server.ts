// The first start's demo story (never in production): the loop the product closes, told with
// the seed plan. Last year (the seed plan's year) is lived through week by week — each unit's own
// secretary reports, figures land near their targets, leaders urge, comment, 驳回 and 验收; most
// cards end 已销号 and two are unfinished. Its leaders write 明年工作思路, its summary is generated
// and 定稿, and this year's plan is started from it with 开启下一年度 (the app's own functions, in
// the caller's transaction). This year then has weeks of 填报 up to last week, mostly 绿灯, some
// 黄灯, one or two 红灯 with reasons, and one unit that has not reported this week.
// Deterministic: a seeded generator, dated from `today`; every 填报 is is_demo and 【演示数据】.
import type { Transaction } from "kysely";
import type { Database, Plan } from "../../db/schema";
import type { Actor } from "~/utils/permissions";
import { blankRow, orderOutline, prefillOutline, type OutlineItem, type OutlineTarget } from "~/lib/summary/outline";
import { daysBetween, previousWeek, toDateKey, weekKeyOf, weekRange, weeksBetween } from "~/lib/weeks";
import { recordAudit } from "~/models/audit.server";
import { applyForExtensionIn, decideExtensionIn } from "~/models/extensions.server";
import { startNextYearIn } from "~/routes/summary/next-year.server";
import { loadOutlineSource, saveOutlineIn } from "~/routes/summary/outline.server";
import { finalizeSummaryIn, generateSummaryIn } from "~/routes/summary/summary.server";

import { DEMO_MARK } from "~/models/demo-updates.server";

type Trx = Transaction<Database>;

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
const HOUR = 3_600_000;

/** An instant `days` days and `hours` hours after the Monday (00:00 Shanghai) of the week. */
function inWeek(week: string, days: number, hours: number): string {
  return new Date(weekRange(week).start.getTime() + days * DAY + hours * HOUR).toISOString();
}

/** 09:00 Shanghai of a date key, plus `hours`. */
function onDay(dateKey: string, hours = 9): string {
  return new Date(new Date(`${dateKey}T00:00:00+08:00`).getTime() + hours * HOUR).toISOString();
}

function addDaysKey(dateKey: string, days: number): string {
  const d = new Date(`${dateKey}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The last day of the month after the date key's month ("2025-06-30" → "2025-07-31"). */
function monthEndAfter(dateKey: string): string {
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
const BLOCKERS = [
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

/** Writes a task's weekly 填报 and metric values; returns how many 填报 were written. */
async function writeSeries(trx: Trx, series: Series, writer: DemoWriter): Promise<number> {
  const { rand } = writer;
  let written = 0;
  const values: {
    metric_id: number;
    unit_id: number;
    week: string;
    value: number;
    update_id: number;
    reported_by: number;
    reported_at: string;
  }[] = [];
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
        (!u.lead && !isCurrent && (weekIndex + unitIndex) % 3 === 0 && !(series.leadUnitId === null && last)),
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
      const update = await trx
        .insertInto("updates")
        .values({
          task_id: series.taskId,
          unit_id: reporter.unitId,
          author_id: author,
          week,
          body,
          progress,
          next_steps: progress >= 100 ? "材料已齐备，申请办结。" : NEXT_STEPS[(weekIndex + reporterIndex) % NEXT_STEPS.length],
          blockers: blocker,
          needs_coordination: blocker ? 1 : 0,
          is_demo: 1,
          created_at: at,
          updated_at: at,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      written++;
      for (const [i, metric] of series.metrics.entries()) {
        let value: number;
        if (metric.aggregation === "sum") {
          // The lead unit reports the week's amount; a supporter reporting the same week, a fifth of it.
          const supporters = reporters.filter((r) => !r.lead).length;
          const supportShare = Math.floor(amounts[i] * 0.2);
          value = reporter.lead ? amounts[i] - supportShare * supporters : supportShare;
          if (!reporter.lead && value <= 0) continue;
        } else {
          if (!reporter.lead) continue;
          value = Math.round((metric.reach * progress) / Math.max(1, series.progress.at(-1)!));
        }
        if (metric.aggregation === "sum") sumSoFar.set(metric.id, (sumSoFar.get(metric.id) ?? 0) + value);
        values.push({
          metric_id: metric.id,
          unit_id: reporter.unitId,
          week,
          value,
          update_id: update.id,
          reported_by: author,
          reported_at: at,
        });
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
function progressCurve(count: number, final: number, rand: () => number): number[] {
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

interface StoryClock extends DemoStoryInput {
  /** When 开启下一年度 created this year's plan. */
  startedAt: string;
}

export interface DemoStoryResult {
  lastPlanId: number;
  currentPlanId: number;
  updates: { last: number; current: number };
}

interface TaskRow {
  id: number;
  code: string;
  title: string;
  category: string;
  origin: string;
  start_date: string | null;
  due_date: string | null;
}

async function planTasks(trx: Trx, planId: number): Promise<TaskRow[]> {
  return trx
    .selectFrom("tasks")
    .select(["id", "code", "title", "category", "origin", "start_date", "due_date"])
    .where("plan_id", "=", planId)
    .orderBy("code")
    .execute();
}

async function taskUnits(trx: Trx, taskId: number): Promise<{ lead: number | null; support: number[] }> {
  const rows = await trx.selectFrom("task_units").select(["unit_id", "role"]).where("task_id", "=", taskId).orderBy("unit_id").execute();
  return {
    lead: rows.find((r) => r.role === "lead")?.unit_id ?? null,
    support: rows.filter((r) => r.role === "support").map((r) => r.unit_id),
  };
}

async function taskMetrics(trx: Trx, taskId: number) {
  return trx
    .selectFrom("metrics")
    .select(["id", "name", "unit", "target", "baseline", "aggregation"])
    .where("task_id", "=", taskId)
    .orderBy("id")
    .execute();
}

async function setStatus(
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

async function comment(
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

async function moveAudit(trx: Trx, actorId: number, taskId: number, from: string, to: string, at: string, kind = "move", reason?: string) {
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
async function liveLastYear(trx: Trx, input: DemoStoryInput, plan: Plan, writer: DemoWriter): Promise<number> {
  const { rand } = writer;
  const year = plan.year;
  const yearEndWeek = weekKeyOf(`${year}-12-28`);
  const tasks = await planTasks(trx, plan.id);
  // Two key-work cards due at year end stay unfinished (结转); one is 驳回 once, then 验收.
  const carried = tasks.filter((t) => t.origin === "key_work" && t.due_date?.endsWith("12-31")).slice(-2);
  const rejected = tasks.find((t) => t.origin === "key_work" && !carried.includes(t) && (t.due_date ?? "") <= `${year}-10-31`);
  // One mid-year card's unit asks for a month more, and a leader approves (经批准延期).
  const extended = tasks.find(
    (t) =>
      t.origin === "key_work" &&
      !carried.includes(t) &&
      t !== rejected &&
      (t.due_date ?? "") >= `${year}-05-31` &&
      (t.due_date ?? "") <= `${year}-10-31`,
  );
  const planStart = new Date(`${year}-01-01T00:00:00+08:00`).toISOString();
  await trx.updateTable("tasks").set({ created_at: planStart }).where("plan_id", "=", plan.id).execute();
  let written = 0;
  for (const [index, task] of tasks.entries()) {
    const start = task.start_date ?? `${year}-01-01`;
    const units = await taskUnits(trx, task.id);
    const due = task === extended ? await approvedExtension(trx, input, task, units.lead, writer) : (task.due_date ?? `${year}-12-31`);
    const isCarried = carried.includes(task);
    const doneDate = isCarried ? null : addDaysKey(due, -(2 + Math.floor(rand() * 8)));
    const applyDate = doneDate ? addDaysKey(doneDate, -(2 + Math.floor(rand() * 3))) : null;
    const lastWeek = applyDate ? weekKeyOf(applyDate) : yearEndWeek;
    const weeks = weeksBetween(weekKeyOf(start), lastWeek);
    const final = isCarried ? 62 + Math.floor(rand() * 20) : 100;
    const metrics = (await taskMetrics(trx, task.id))
      .filter((m) => m.target !== null)
      .map((m, i) => {
        // Most land above target, a few short; unfinished work clearly short.
        const factor = isCarried ? 0.72 + rand() * 0.12 : (index + i) % 4 === 2 ? 0.9 + rand() * 0.07 : 1.02 + rand() * 0.14;
        return { id: m.id, name: m.name, unit: m.unit, aggregation: m.aggregation, reach: Math.round(m.target! * factor) };
      });
    written += await writeSeries(
      trx,
      {
        taskId: task.id,
        title: task.title,
        category: task.category,
        leadUnitId: units.lead,
        supportUnitIds: units.support,
        weeks,
        progress: progressCurve(weeks.length, final, rand),
        metrics,
        leadSkips: new Set(weeks.map((_, i) => i).filter((i) => i > 2 && i < weeks.length - 2 && rand() < 0.04)),
        blockerFrom: isCarried ? Math.max(0, weeks.length - 10 - index) : null,
        blocker: BLOCKERS[index % BLOCKERS.length],
        currentWeek: null,
      },
      writer,
    );
    await moveAudit(trx, input.leaderId, task.id, "not_started", "in_progress", inWeek(weeks[0], 0, 10));

    // A 催办 to a supporting unit in a busy month, and a leader's comment mid-year.
    if (units.support.length && index % 2 === 0) {
      const week = weeks[Math.floor(weeks.length / 2)];
      await comment(trx, {
        taskId: task.id,
        authorId: input.leaderId,
        kind: "urge",
        body: "本周还未收到贵单位的进展，请尽快填报。",
        at: inWeek(week, 4, 17),
        targetUnitId: units.support[0],
      });
    }
    if (index % 4 === 1) {
      const week = weeks[Math.floor(weeks.length / 3)];
      await comment(trx, {
        taskId: task.id,
        authorId: input.leaderId,
        kind: "comment",
        body: "进度总体正常，请注意留存过程资料，年底验收要用。",
        at: inWeek(week, 2, 10),
      });
      if (units.lead !== null && writer.secretaryOf.has(units.lead)) {
        await comment(trx, {
          taskId: task.id,
          authorId: writer.secretaryOf.get(units.lead)!,
          kind: "comment",
          body: "收到，已安排专人整理台账和照片资料。",
          at: inWeek(week, 2, 15),
        });
      }
    }

    if (isCarried) {
      await setStatus(trx, task, { status: "in_progress", progress: final, doneAt: null });
      continue;
    }
    const applyAt = onDay(applyDate!, 16);
    const doneAt = onDay(doneDate!, 10);
    if (task === rejected) {
      // 申请办结 → 驳回 (material missing) → one more week of work → 申请办结 → 验收.
      const firstApply = onDay(addDaysKey(applyDate!, -14), 16);
      const rejectAt = onDay(addDaysKey(applyDate!, -12), 10);
      const reason = "佐证材料不全：缺少整改前后对比照片和居民回访记录，请补充后重新申请办结。";
      await moveAudit(trx, secretaryOr(writer, units.lead), task.id, "in_progress", "pending_review", firstApply);
      await moveAudit(trx, input.leaderId, task.id, "pending_review", "in_progress", rejectAt, "reject", reason);
      await comment(trx, { taskId: task.id, authorId: input.leaderId, kind: "reject", body: reason, at: rejectAt });
    }
    await moveAudit(trx, secretaryOr(writer, units.lead), task.id, "in_progress", "pending_review", applyAt);
    await moveAudit(trx, input.leaderId, task.id, "pending_review", "done", doneAt, "verify");
    await comment(trx, { taskId: task.id, authorId: input.leaderId, kind: "verify", body: "验收通过，已销号。", at: doneAt });
    await setStatus(trx, task, { status: "done", progress: 100, doneAt });
  }
  return written;
}

function secretaryOr(writer: DemoWriter, unitId: number | null): number {
  return (unitId !== null ? writer.secretaryOf.get(unitId) : undefined) ?? writer.fallbackAuthorId;
}

/** Who applies for a task's 延期: its 牵头单位's secretary, or the leader when the unit has none. */
function applicantOf(input: DemoStoryInput, writer: DemoWriter, leadUnitId: number | null): Actor {
  const secretary = leadUnitId !== null ? writer.secretaryOf.get(leadUnitId) : undefined;
  return secretary !== undefined
    ? { id: secretary, role: "secretary", unitId: leadUnitId }
    : { id: input.leaderId, role: "leader", unitId: null };
}

/**
 * Last year's approved 延期, through the app's own 延期申请 (in this transaction): three weeks
 * before its 完成时限 the 牵头单位 asks for a month more, two days later a leader approves.
 * Returns the new 完成时限.
 */
async function approvedExtension(
  trx: Trx,
  input: DemoStoryInput,
  task: TaskRow,
  leadUnitId: number | null,
  writer: DemoWriter,
): Promise<string> {
  const due = task.due_date!;
  const dueDate = monthEndAfter(due);
  const request = await applyForExtensionIn(
    trx,
    applicantOf(input, writer, leadUnitId),
    {
      taskId: task.id,
      dueDate,
      reason: `${DEMO_MARK}汛期连续降雨，室外作业停工近两周，相关部门的联合验收也相应推迟，申请将完成时限顺延一个月。`,
    },
    new Date(onDay(addDaysKey(due, -21), 15)),
  );
  const leader: Actor = { id: input.leaderId, role: "leader", unitId: null };
  await decideExtensionIn(
    trx,
    leader,
    { extensionId: request.id, decision: "approve", note: `${DEMO_MARK}同意延期。请按新的时限倒排工期，每周报告进度。` },
    new Date(onDay(addDaysKey(due, -19), 10)),
  );
  return dueDate;
}

/**
 * This year's pending 延期申请 (in the leaders' 我的待办): the overdue 红灯 card's 牵头单位 —
 * or the lagging one's early in the year — asked yesterday for a later 完成时限.
 */
async function pendingExtension(trx: Trx, input: StoryClock, task: TaskRow, overdue: boolean, writer: DemoWriter): Promise<void> {
  const year = Number(input.today.slice(0, 4));
  const due = task.due_date ?? `${year}-12-31`;
  const yesterday = onDay(addDaysKey(input.today, -1), 16);
  const at = [input.startedAt, yesterday < writer.notAfter ? yesterday : writer.notAfter].sort().at(-1)!;
  const day = toDateKey(new Date(at));
  const dueDate = overdue && day < `${year}-12-15` ? `${year}-12-31` : monthEndAfter(due > day ? due : day);
  const { lead } = await taskUnits(trx, task.id);
  await applyForExtensionIn(
    trx,
    applicantOf(input, writer, lead),
    {
      taskId: task.id,
      dueDate,
      reason: `${DEMO_MARK}主体工作已完成约七成，剩余部分涉及区级部门审批和居民协调，原定时限内难以完成，申请顺延。`,
    },
    new Date(at),
  );
}

/** Leaders' new priorities for next year (明年工作思路): work with new measures and targets. */
const NEW_PRIORITIES: {
  category: string;
  lead: string;
  title: string;
  targets: Omit<OutlineTarget, "metricId" | "baseline" | "direction" | "aggregation">[];
}[] = [
  {
    category: "民生保障",
    lead: "社会事务服务中心",
    title: "推进既有住宅加装电梯和适老化改造",
    targets: [{ name: "加装电梯", unit: "部", phrase: "加装电梯", target: 12 }],
  },
  {
    category: "安全生产",
    lead: "安全生产办公室",
    title: "开展城镇燃气安全专项整治",
    targets: [{ name: "排查餐饮场所", unit: "家", phrase: "排查餐饮场所", target: 320 }],
  },
  {
    category: "城市管理",
    lead: "城市管理办公室",
    title: "打造“15分钟便民生活圈”",
    targets: [{ name: "新增便民服务网点", unit: "个", phrase: "新增便民服务网点", target: 18 }],
  },
];

/** 明年工作思路 as the leaders would write it: unfinished work continued, 困难问题 to fix, continuing measures, new priorities. */
async function writeOutline(trx: Trx, plan: Plan, input: DemoStoryInput, at: string): Promise<OutlineItem[]> {
  const source = await loadOutlineSource(trx, plan);
  const rows = prefillOutline(source);
  const nextYear = plan.year + 1;
  const items: OutlineItem[] = [];
  const grow = (value: number | null, rate: number) =>
    value === null ? null : value >= 100 ? Math.round((value * rate) / 10) * 10 : Math.ceil(value * rate);
  for (const row of rows) {
    const { include, suggested, ...item } = row;
    void suggested;
    const from = source.tasks.find((t) => t.id === row.fromTaskId);
    // Continue the unfinished work and the 困难问题 reported on it; keep each measure that was reported (a continuing measure).
    const keep = include || (row.kind === "continue" && from?.status === "done" && row.targets.length > 0);
    if (!keep || row.kind === "new") continue;
    items.push({
      ...item,
      targets: item.targets.map((t) => ({ ...t, target: grow(t.baseline, include ? 1.05 : 1.08) })),
    });
  }
  for (const priority of NEW_PRIORITIES) {
    const { include, suggested, ...blank } = blankRow(source, priority.category);
    void include;
    void suggested;
    const lead = await trx.selectFrom("units").select("id").where("name", "=", priority.lead).executeTakeFirst();
    const communities = await trx.selectFrom("units").select("id").where("kind", "=", "community").orderBy("sort_order").execute();
    items.push({
      ...blank,
      leadUnitId: lead?.id ?? blank.leadUnitId,
      supportUnitIds: communities.map((c) => c.id).slice(NEW_PRIORITIES.indexOf(priority), NEW_PRIORITIES.indexOf(priority) + 2),
      title: priority.title,
      targets: priority.targets.map((t) => ({ ...t, metricId: null, baseline: null, direction: "up", aggregation: "sum" })),
    });
  }
  // Due dates through the year, most at year end; every unit has a part in next year's work.
  const dues = [
    "12-31",
    "06-30",
    "12-31",
    "11-30",
    "12-31",
    "09-30",
    "12-31",
    "10-31",
    "12-31",
    "12-31",
    "12-31",
    "12-31",
    "12-31",
    "12-31",
  ];
  const ordered = orderOutline(items);
  const units = await trx.selectFrom("units").select("id").where("active", "=", 1).orderBy("sort_order").execute();
  const covered = new Set(ordered.flatMap((i) => [i.leadUnitId, ...i.supportUnitIds]));
  let next = 0;
  for (const unit of units) {
    if (covered.has(unit.id)) continue;
    const item = ordered[next++ % ordered.length];
    item.supportUnitIds = [...item.supportUnitIds, unit.id];
  }
  ordered.forEach((item, index) => {
    // Continued unfinished work keeps the whole year.
    const open = item.kind === "continue" && source.tasks.find((t) => t.id === item.fromTaskId)?.status === "in_progress";
    item.dueDate = `${nextYear}-${open ? "12-31" : dues[index % dues.length]}`;
  });
  await saveOutlineIn(trx, input.leaderId, plan.id, ordered, 0, new Date(at));
  return ordered;
}

type Fate = "green" | "yellow" | "red-lag" | "red-overdue" | "review" | "done";

/** This year: weeks of 填报 up to this week, lights spread, one unit silent this week. */
async function liveThisYear(trx: Trx, input: StoryClock, planId: number, writer: DemoWriter): Promise<number> {
  const { rand } = writer;
  const { today } = input;
  const year = Number(today.slice(0, 4));
  const tasks = await planTasks(trx, planId);
  // Set up when last year's summary was 定稿, before this year began: every week of it owes 填报.
  await trx.updateTable("tasks").set({ created_at: input.startedAt }).where("plan_id", "=", planId).execute();
  const thisWeek = weekKeyOf(today);
  const lastWeek = previousWeek(thisWeek);
  // Nobody has reported on a Monday yet; from Tuesday the lead units have (all but one).
  const reportThisWeek = daysBetween(toMonday(thisWeek), today) >= 1;
  const yearStart = `${year}-01-01`;

  // Fates: overdue work is done (one waits for 验收, one is late); open work is mostly on time.
  const fates = new Map<number, Fate>();
  const overdue = tasks.filter((t) => (t.due_date ?? `${year}-12-31`) < today);
  overdue.forEach((t, i) => fates.set(t.id, i === overdue.length - 1 ? "red-overdue" : "done"));
  const open = tasks.filter((t) => !fates.has(t.id));
  // The next due of the open work has been finished and waits for 验收.
  const soonest = [...open].sort((a, b) => (a.due_date ?? "").localeCompare(b.due_date ?? ""))[0];
  if (soonest && daysBetween(yearStart, today) > 60) fates.set(soonest.id, "review");
  const carriedFirst = [...open]
    .filter((t) => !fates.has(t.id))
    .sort((a, b) => Number(b.origin === "carried_over") - Number(a.origin === "carried_over"));
  // One card lags far behind (红灯, with its 困难问题), two are behind (黄灯), the rest on time.
  const yellows = carriedFirst.length >= 8 ? 2 : 1;
  carriedFirst.forEach((t, i) => fates.set(t.id, i < 1 ? "red-lag" : i < 1 + yellows ? "yellow" : "green"));

  // The unit that has not reported this week: the lead unit of a green card.
  const greenTasks = tasks.filter((t) => fates.get(t.id) === "green");
  const silentUnit = greenTasks.length ? (await taskUnits(trx, greenTasks[greenTasks.length - 1].id)).lead : null;

  // Every unit has open work this year (something in its 我的待办): a unit whose cards are all
  // finished helps with an open one.
  const openTasks = tasks.filter((t) => ["green", "yellow", "red-lag"].includes(fates.get(t.id)!));
  const openRoles = openTasks.length
    ? await trx
        .selectFrom("task_units")
        .select(["task_id", "unit_id", "role"])
        .where(
          "task_id",
          "in",
          openTasks.map((t) => t.id),
        )
        .execute()
    : [];
  // Supporting units report every few weeks and not yet this week: each unit helps on one open card.
  const busy = new Set(openRoles.filter((r) => r.role === "support").map((r) => r.unit_id));
  const units = await trx.selectFrom("units").select("id").where("active", "=", 1).orderBy("sort_order").execute();
  let helper = 0;
  for (const unit of units) {
    if (busy.has(unit.id)) continue;
    const candidates = openTasks.filter((t) => !openRoles.some((r) => r.task_id === t.id && r.unit_id === unit.id));
    const task = candidates[helper++ % Math.max(1, candidates.length)];
    if (!task) continue;
    await trx.insertInto("task_units").values({ task_id: task.id, unit_id: unit.id, role: "support" }).execute();
  }

  let written = 0;
  for (const [index, task] of tasks.entries()) {
    const fate = fates.get(task.id)!;
    const due = task.due_date ?? `${year}-12-31`;
    const units = await taskUnits(trx, task.id);
    const start = task.start_date ?? yearStart;
    const span = Math.max(1, daysBetween(start, due));
    const expected = Math.min(100, Math.max(0, Math.round((daysBetween(start, today) / span) * 100)));
    const doneDate = fate === "done" ? addDaysKey(due, -(2 + Math.floor(rand() * 6))) : null;
    const applyDate =
      fate === "done" ? addDaysKey(doneDate!, -2) : fate === "review" ? addDaysKey(today, -3 - Math.floor(rand() * 3)) : null;
    const lastReportWeek = applyDate
      ? weekKeyOf(applyDate) < thisWeek
        ? weekKeyOf(applyDate)
        : lastWeek
      : reportThisWeek
        ? thisWeek
        : lastWeek;
    let weeks = weekKeyOf(start) <= lastReportWeek ? weeksBetween(weekKeyOf(start), lastReportWeek) : [];
    // Too early in the year to lag far: weeks without any 填报 make the light (2 weeks: 红灯, 1: 黄灯).
    const early = expected < (fate === "red-lag" ? 45 : 25);
    if (early && fate === "red-lag") weeks = weeks.slice(0, Math.max(1, weeks.length - 3));
    if (early && fate === "yellow") weeks = weeks.slice(0, Math.max(1, weeks.length - 1));
    let final: number;
    const leadSkips = new Set<number>();
    let blockerFrom: number | null = null;
    switch (fate) {
      case "done":
      case "review":
        final = 100;
        break;
      case "red-overdue":
        final = 70 + Math.floor(rand() * 10);
        blockerFrom = Math.max(0, weeks.length - 6);
        break;
      case "red-lag":
        final = early ? Math.max(1, expected - 5) : expected - 36 - Math.floor(rand() * 8);
        blockerFrom = Math.max(0, weeks.length - 5);
        break;
      case "yellow":
        final = early ? Math.max(1, expected - 3) : expected - 15 - Math.floor(rand() * 8);
        blockerFrom = Math.max(0, weeks.length - 2);
        break;
      default:
        final = Math.min(98, Math.max(1, expected + Math.round(rand() * 10 - 5)));
    }
    if (reportThisWeek && units.lead === silentUnit && weeks.at(-1) === thisWeek) leadSkips.add(weeks.length - 1);
    const metrics = (await taskMetrics(trx, task.id))
      .filter((m) => m.target !== null)
      .map((m) => ({
        id: m.id,
        name: m.name,
        unit: m.unit,
        aggregation: m.aggregation,
        // Figures follow the work: on time near the expected share of the target, behind when it lags.
        reach: Math.round(m.target! * (final / 100) * (0.95 + rand() * 0.12)),
      }));
    written += await writeSeries(
      trx,
      {
        taskId: task.id,
        title: task.title,
        category: task.category,
        leadUnitId: units.lead,
        supportUnitIds: units.support,
        weeks,
        progress: progressCurve(weeks.length, Math.max(1, final), rand),
        metrics,
        leadSkips,
        blockerFrom,
        blocker: BLOCKERS[(index + 1) % BLOCKERS.length],
        currentWeek: reportThisWeek ? thisWeek : null,
      },
      writer,
    );
    if (weeks.length) await moveAudit(trx, secretaryOr(writer, units.lead), task.id, "not_started", "in_progress", inWeek(weeks[0], 1, 10));

    if (fate === "done") {
      const doneAt = onDay(doneDate!, 10);
      await moveAudit(trx, secretaryOr(writer, units.lead), task.id, "in_progress", "pending_review", onDay(applyDate!, 16));
      await moveAudit(trx, input.leaderId, task.id, "pending_review", "done", doneAt, "verify");
      await comment(trx, { taskId: task.id, authorId: input.leaderId, kind: "verify", body: "验收通过，已销号。", at: doneAt });
      await setStatus(trx, task, { status: "done", progress: 100, doneAt });
    } else if (fate === "review") {
      await moveAudit(trx, secretaryOr(writer, units.lead), task.id, "in_progress", "pending_review", onDay(applyDate!, 16));
      await setStatus(trx, task, { status: "pending_review", progress: 100, doneAt: null });
    } else {
      const progress = weeks.length ? Math.max(1, final) : 0;
      await setStatus(trx, task, { status: weeks.length ? "in_progress" : "not_started", progress, doneAt: null });
    }
    // Leaders urge the laggards and comment on the yellow ones.
    if ((fate === "red-lag" || fate === "red-overdue") && units.lead !== null && weeks.length > 1) {
      await comment(trx, {
        taskId: task.id,
        authorId: input.leaderId,
        kind: "urge",
        body: "进度明显滞后，请说明原因并提出赶进度的具体措施，本周内报送。",
        at: inWeek(weeks[Math.max(0, weeks.length - 2)], 0, 10),
        targetUnitId: units.lead,
      });
    }
    if (fate === "yellow" && weeks.length > 1) {
      const week = weeks[weeks.length - 2];
      await comment(trx, {
        taskId: task.id,
        authorId: input.leaderId,
        kind: "comment",
        body: "请对照时间节点加快推进，有困难及时提出。",
        at: inWeek(week, 1, 11),
      });
      if (units.lead !== null && writer.secretaryOf.has(units.lead)) {
        await comment(trx, {
          taskId: task.id,
          authorId: writer.secretaryOf.get(units.lead)!,
          kind: "comment",
          body: "已召开推进会重新排定节点，下周起每周报告一次进度。",
          at: inWeek(week, 1, 16),
        });
      }
    }
  }
  // The silent unit gets a 催办 for this week's 填报 (a Friday reminder when today is Monday).
  if (silentUnit !== null) {
    const task = greenTasks[greenTasks.length - 1];
    const at = reportThisWeek ? inWeek(thisWeek, Math.min(daysBetween(toMonday(thisWeek), today), 4), 9) : inWeek(lastWeek, 4, 16);
    await comment(trx, {
      taskId: task.id,
      authorId: input.leaderId,
      kind: "urge",
      body: "本周进展还未填报，请尽快填报。",
      at: at > writer.notAfter ? writer.notAfter : at,
      targetUnitId: silentUnit,
    });
  }
  // The late 红灯 card asks for more time: a 延期申请 waits for a leader.
  const late = tasks.find((t) => fates.get(t.id) === "red-overdue") ?? tasks.find((t) => fates.get(t.id) === "red-lag");
  if (late) await pendingExtension(trx, input, late, fates.get(late.id) === "red-overdue", writer);
  return written;
}

function toMonday(week: string): string {
  return new Date(weekRange(week).start.getTime() + 8 * HOUR).toISOString().slice(0, 10);
}

export async function writeDemoStory(trx: Trx, input: DemoStoryInput): Promise<DemoStoryResult> {
  const rand = seededRandom(Number(input.today.replace(/-/g, "")) ^ 0x5eed2025);
  const notAfter = input.now.toISOString();
  const writer: DemoWriter = { secretaryOf: input.secretaryOf, fallbackAuthorId: input.adminId, rand, notAfter };
  const lastPlan = await trx.selectFrom("plans").selectAll().where("id", "=", input.lastPlanId).executeTakeFirstOrThrow();
  const lastUpdates = await liveLastYear(trx, input, lastPlan, writer);

  // Year end: 明年工作思路, the summary generated and 定稿, and 开启下一年度 from it.
  const year = lastPlan.year;
  const outline = await writeOutline(trx, lastPlan, input, onDay(`${year}-12-22`, 10));
  const draft = await generateSummaryIn(trx, input.leaderId, lastPlan.id, 0, input.today, new Date(onDay(`${year}-12-26`, 10)));
  await finalizeSummaryIn(trx, input.leaderId, lastPlan.id, draft.version, new Date(onDay(`${year}-12-29`, 15)));
  const startedAt = onDay(`${year}-12-30`, 10);
  const started = await startNextYearIn(
    trx,
    input.leaderId,
    lastPlan.id,
    { planRefs: outline.map((_, i) => `四.${i + 1}`), problemRefs: [], carryTaskIds: [], includeUnreportedMetrics: false },
    new Date(startedAt),
  );
  await trx.updateTable("plans").set({ created_at: startedAt, updated_at: startedAt }).where("id", "=", started.planId).execute();
  const currentUpdates = await liveThisYear(trx, { ...input, startedAt }, started.planId, writer);
  await recordAudit(
    trx,
    {
      actorId: null,
      action: "demo.updates",
      entity: "plan",
      entityId: started.planId,
      after: { last: lastUpdates, current: currentUpdates },
    },
    input.now,
  );
  return { lastPlanId: lastPlan.id, currentPlanId: started.planId, updates: { last: lastUpdates, current: currentUpdates } };
}
