// Demo 填报 for the first start (never in production): a few weeks of plausible progress for
// the seed plan's tasks, ending where each card stands (已销号/待验收 at 100%, 推进中 at its
// progress), in the weeks before each task's 完成时限 within the plan year. Lead units report
// every week with metric values; supporting units skip some weeks, and one report per task
// came in late, so 填报情况 has all three states to show. Marked is_demo and 【演示数据】.
import type { Transaction } from "kysely";
import type { Database, NewMetricValue } from "../../db/schema";
import { previousWeek, weekKeyOf, weekRange } from "~/lib/weeks";
import { recordAudit } from "~/models/audit.server";

export const DEMO_MARK = "【演示数据】";
const WEEKS_PER_TASK = 4;

const WORK_DONE = [
  "召开专题推进会，细化任务分工和时间节点",
  "深入社区、企业走访调研，收集意见建议并逐条登记",
  "对照年度目标梳理进度，对滞后事项明确整改时限",
  "整理阶段性工作台账，形成工作简报报送街道",
  "联合相关科室开展现场检查，发现问题当场督促整改",
];
const NEXT_STEPS = [
  "继续按计划推进，做好资料收集和归档",
  "针对走访中发现的问题逐项跟进落实",
  "对照序时进度查漏补缺，确保按期完成",
  "准备申请办结所需的佐证材料",
];

export interface DemoUpdate {
  taskId: number;
  unitId: number;
  authorId: number;
  week: string;
  body: string;
  progress: number;
  /** 下步计划 while the task is open; at 100% the update applies for 办结 instead. */
  nextSteps: string;
  /** 困难问题; one asks for coordination. */
  blockers: string;
  /** When it was saved (created and last updated). */
  at: string;
}

/** Writes one demo 填报 and returns its id. */
export async function insertDemoUpdate(trx: Transaction<Database>, update: DemoUpdate): Promise<number> {
  const row = await trx
    .insertInto("updates")
    .values({
      task_id: update.taskId,
      unit_id: update.unitId,
      author_id: update.authorId,
      week: update.week,
      body: update.body,
      progress: update.progress,
      next_steps: update.progress >= 100 ? "材料已齐备，申请办结。" : update.nextSteps,
      blockers: update.blockers,
      needs_coordination: update.blockers ? 1 : 0,
      is_demo: 1,
      created_at: update.at,
      updated_at: update.at,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A metric value reported with a demo 填报 (by its author, when it was saved). */
export function demoMetricValue(
  metricId: number,
  value: number,
  of: Pick<DemoUpdate, "unitId" | "week" | "authorId" | "at"> & { updateId: number },
): NewMetricValue {
  return {
    metric_id: metricId,
    unit_id: of.unitId,
    week: of.week,
    value,
    update_id: of.updateId,
    reported_by: of.authorId,
    reported_at: of.at,
  };
}

/** Friday 17:00 Shanghai of the week; late reports come the next Monday 09:30. */
function reportedAt(week: string, late: boolean): string {
  const monday = weekRange(week).start.getTime();
  const offset = late ? 7 * 86_400_000 + 9.5 * 3_600_000 : 4 * 86_400_000 + 17 * 3_600_000;
  return new Date(monday + offset).toISOString();
}

function lastWeeks(final: string, first: string, count: number): string[] {
  const weeks: string[] = [];
  for (let week = final; weeks.length < count && week >= first; week = previousWeek(week)) weeks.unshift(week);
  return weeks;
}

export async function postDemoUpdates(trx: Transaction<Database>, { planId, now }: { planId: number; now: Date }): Promise<number> {
  const plan = await trx.selectFrom("plans").select(["year"]).where("id", "=", planId).executeTakeFirstOrThrow();
  const tasks = await trx
    .selectFrom("tasks")
    .select(["id", "title", "status", "progress", "start_date", "due_date", "done_at"])
    .where("plan_id", "=", planId)
    .orderBy("code")
    .execute();
  const admin = await trx.selectFrom("users").select("id").where("role", "=", "admin").orderBy("id").executeTakeFirst();
  const leader = await trx.selectFrom("users").select("id").where("role", "=", "leader").orderBy("id").executeTakeFirst();
  if (!admin) return 0;
  const unitUsers = await trx
    .selectFrom("users")
    .select(["id", "unit_id"])
    .where("role", "=", "secretary")
    .where("disabled", "=", 0)
    .execute();
  // The demo plan reads as if it was set up at the start of its year (it is created at first
  // start, possibly years later): otherwise no week before today would owe a report.
  const planStart = new Date(`${plan.year}-01-01T00:00:00+08:00`).toISOString();
  await trx.updateTable("tasks").set({ created_at: planStart }).where("plan_id", "=", planId).where("created_at", ">", planStart).execute();
  const lastOpenWeek = previousWeek(weekKeyOf(now));
  const yearEndWeek = weekKeyOf(`${plan.year}-12-28`); // 28 December is always in the year's last ISO week
  let written = 0;

  for (const [taskIndex, task] of tasks.entries()) {
    if (task.status === "not_started") continue;
    const first = weekKeyOf(task.start_date ?? `${plan.year}-01-01`);
    const dueWeek = weekKeyOf(task.done_at ?? task.due_date ?? `${plan.year}-12-31`);
    const final = [dueWeek, yearEndWeek, lastOpenWeek].sort()[0];
    const weeks = lastWeeks(final, first, WEEKS_PER_TASK);
    if (weeks.length === 0) continue;
    const finalProgress = task.status === "in_progress" ? task.progress : 100;
    const step = Math.min(8, Math.floor(finalProgress / (weeks.length + 1)));
    const units = await trx
      .selectFrom("task_units")
      .select(["unit_id", "role"])
      .where("task_id", "=", task.id)
      .orderBy("role")
      .orderBy("unit_id")
      .execute();
    const metrics = await trx
      .selectFrom("metrics")
      .select(["id", "target", "aggregation", "unit"])
      .where("task_id", "=", task.id)
      .execute();
    const shortTitle = task.title.length > 18 ? `${task.title.slice(0, 18)}…` : task.title;
    const lateWeekIndex = (taskIndex % Math.max(1, weeks.length - 1)) + 1;

    for (const [unitIndex, unit] of units.entries()) {
      const isLead = unit.role === "lead";
      const author = unitUsers.find((u) => u.unit_id === unit.unit_id)?.id ?? admin.id;
      for (const [weekIndex, week] of weeks.entries()) {
        // Supporting units report every other week, and not all of them: gaps for 填报情况.
        if (!isLead && (weekIndex + unitIndex) % 2 === 0) continue;
        const progress = Math.max(0, finalProgress - step * (weeks.length - 1 - weekIndex));
        const at = reportedAt(week, isLead && weekIndex === lateWeekIndex);
        const needsHelp = isLead && task.status === "in_progress" && weekIndex === weeks.length - 1;
        const updateId = await insertDemoUpdate(trx, {
          taskId: task.id,
          unitId: unit.unit_id,
          authorId: author,
          week,
          body: `${DEMO_MARK}围绕“${shortTitle}”，${isLead ? "" : "配合牵头单位"}${WORK_DONE[(taskIndex + weekIndex + unitIndex) % WORK_DONE.length]}。`,
          progress,
          nextSteps: NEXT_STEPS[(taskIndex + weekIndex) % NEXT_STEPS.length],
          blockers: needsHelp ? "部分商户配合度不高，整改推进较慢，需街道协调相关部门联合督办。" : "",
          at,
        });
        written++;
        if (!isLead) continue;
        // Lead units report the task's figures: the first week carries the year so far.
        for (const metric of metrics) {
          if (metric.target == null) continue;
          const total = metric.target * (finalProgress / 100) * (1 + ((taskIndex + metric.id) % 5) / 100);
          const share = weekIndex === 0 ? 0.7 : 0.3 / Math.max(1, weeks.length - 1);
          const cumulative = weekIndex === 0 ? 0.7 : 0.7 + (0.3 * weekIndex) / Math.max(1, weeks.length - 1);
          const value = Math.round(total * (metric.aggregation === "sum" ? share : cumulative));
          await trx
            .insertInto("metric_values")
            .values(demoMetricValue(metric.id, value, { unitId: unit.unit_id, week, updateId, authorId: author, at }))
            .execute();
        }
      }
    }

    // A 催办 to a supporting unit that missed the task's first demo week.
    const missed = units.find((u, index) => u.role === "support" && index % 2 === 1);
    if (leader && missed && task.status !== "done") {
      await trx
        .insertInto("comments")
        .values({
          task_id: task.id,
          author_id: leader.id,
          kind: "urge",
          target_unit_id: missed.unit_id,
          body: `${DEMO_MARK}请尽快填报本周工作进展。`,
          created_at: reportedAt(weeks[0], true),
        })
        .execute();
    }
  }
  await recordAudit(trx, { actorId: null, action: "demo.updates", entity: "plan", entityId: planId, after: { updates: written } }, now);
  return written;
}
