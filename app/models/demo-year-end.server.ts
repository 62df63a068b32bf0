// The demo story's 延期 and year-end outline: one approved 延期 last year and one pending this
// year (through the 延期 model, in the story's transaction), and the leaders' 明年工作思路.
import type { Plan } from "../../db/schema";
import type { Actor } from "~/utils/permissions";
import { blankRow, orderOutline, prefillOutline, type OutlineItem, type OutlineTarget } from "~/lib/summary/outline";
import { toDateKey } from "~/lib/weeks";
import { applyForExtensionIn, decideExtensionIn } from "~/models/extensions.server";
import { loadOutlineSource, saveOutlineIn } from "~/routes/summary/outline.server";

import { DEMO_MARK } from "~/models/demo-updates.server";
import {
  addDaysKey,
  monthEndAfter,
  onDay,
  taskUnits,
  type DemoStoryInput,
  type DemoWriter,
  type StoryClock,
  type TaskRow,
  type Trx,
} from "~/models/demo-series.server";

export function secretaryOr(writer: DemoWriter, unitId: number | null): number {
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
export async function approvedExtension(
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
export async function pendingExtension(trx: Trx, input: StoryClock, task: TaskRow, overdue: boolean, writer: DemoWriter): Promise<void> {
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
export async function writeOutline(trx: Trx, plan: Plan, input: DemoStoryInput, at: string): Promise<OutlineItem[]> {
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
