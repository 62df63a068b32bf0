// Starting next year's plan from this year's summary: what carries over, and the new plan in one transaction.
import type { Transaction } from "kysely";
import type { AppDatabase } from "../../../db/index";
import type { Database } from "../../../db/schema";
import { parseSummary, toSummaryJson } from "~/lib/importer";
import { draftPlan, suggestUnits } from "~/lib/plan-draft";
import { toPlainText } from "~/lib/summary/text";
import { type SummaryMetric } from "~/lib/summary/types";
import { recordAudit } from "~/models/audit.server";
import { commitImportIn, type MetricInput, type TaskInput } from "~/routes/import/commit.server";
import { conflict, notFound } from "~/lib/refusal";
import { type SummaryVersion, loadSummaryInput, getLatestSummary } from "~/routes/summary/summary.server";
import { getOutline } from "~/routes/summary/outline.server";
import { orderOutline, type OutlineItem } from "~/lib/summary/outline";
import { periodOf } from "~/lib/summary/style";
import { bumpChangeSeq, findPlanByYear } from "~/models/plans.server";

type Db = AppDatabase | Transaction<Database>;

// ------------------------------------------------------------------ start next year

export interface NextYearPreview {
  plan: { id: number; year: number; organization: string };
  nextYear: number;
  nextPlanExists: boolean;
  finalVersion: number | null;
  /** Why it cannot start, in Chinese; null when it can. */
  blocked: string | null;
  planItems: { ref: string; title: string; carriedFrom: { id: number; code: string; title: string } | null }[];
  problems: { ref: string; title: string }[];
  /** Unfinished tasks not already named by a 四 item. */
  unfinished: { id: number; code: string; title: string; status: string; progress: number }[];
  metrics: { withActual: number; withoutActual: number };
  /** True when 四 comes from 明年工作思路: its items become the tasks, with owners, 完成时限 and targets. */
  fromOutline: boolean;
  /** Per 四 item from the outline: what the task will carry. */
  outlineItems: {
    ref: string;
    category: string;
    kind: OutlineItem["kind"];
    leadUnit: string | null;
    leadUser: string | null;
    dueDate: string;
    targets: number;
  }[];
}

interface NextYearBasis {
  preview: NextYearPreview;
  text: string;
  final: SummaryVersion | null;
  /** 明年工作思路's items in the order of section 四, or null without one. */
  outline: OutlineItem[] | null;
}

/** "推进…发展" quoted in a 四 item ("继续推进“…”") names last year's task of that title. */
function taskNamedBy(itemText: string, tasks: { id: number; code: string; title: string }[]) {
  return tasks.find((t) => {
    const title = t.title.trim().replace(/[。；;，,、：:\s]+$/u, "");
    return title.length >= 4 && itemText.includes(`“${title}”`);
  });
}

async function nextYearBasis(db: Db, planId: number): Promise<NextYearBasis> {
  const plan = await db.selectFrom("plans").selectAll().where("id", "=", planId).executeTakeFirst();
  if (!plan) notFound("没有找到该年度计划。");
  const nextYear = plan!.year + 1;
  const exists = Boolean(await findPlanByYear(db, nextYear));
  const latest = await getLatestSummary(db, planId);
  const final = latest?.status === "final" ? latest : null;
  const input = await loadSummaryInput(db, plan!);
  const open = input.tasks.filter((t) => t.status !== "done");
  const text = final ? toPlainText(final.content.document) : "";
  const parsed = final ? parseSummary(text) : null;
  const saved = await getOutline(db, planId);
  const outline = saved && saved.outline.items.length ? orderOutline(saved.outline.items) : null;
  const named = new Set<number>();
  const planItems = outline
    ? outline.map((item, index) => {
        const task = item.kind === "continue" ? input.tasks.find((t) => t.id === item.fromTaskId) : undefined;
        if (task) named.add(task.id);
        return {
          ref: `四.${index + 1}`,
          title: item.title,
          carriedFrom: task ? { id: task.id, code: task.code, title: task.title } : null,
        };
      })
    : (parsed?.plan ?? []).map((item) => {
        const task = taskNamedBy(item.text, open);
        if (task) named.add(task.id);
        return {
          ref: item.ref,
          title: item.title || item.text.slice(0, 60),
          carriedFrom: task ? { id: task.id, code: task.code, title: task.title } : null,
        };
      });
  const users = outline ? await db.selectFrom("users").select(["id", "display_name"]).execute() : [];
  const unitNames = outline ? await db.selectFrom("units").select(["id", "name"]).execute() : [];
  const blocked = exists
    ? `${nextYear}年度计划已经存在，不能重复开启。可在看板中切换到${nextYear}年查看。`
    : !latest
      ? "该年度还没有总结草稿。请先生成并定稿。"
      : !final
        ? "请先将总结定稿：开启下一年度以定稿版本为准。"
        : null;
  return {
    text,
    final,
    preview: {
      plan: { id: plan!.id, year: plan!.year, organization: plan!.organization },
      nextYear,
      nextPlanExists: exists,
      finalVersion: final?.version ?? null,
      blocked,
      planItems,
      // With 明年工作思路, its 整改 rows are the problems to fix: 三 is not offered a second time.
      problems: outline ? [] : (parsed?.problems ?? []).map((p) => ({ ref: p.ref, title: p.text.split(/[。；]/)[0] })),
      unfinished: open
        .filter((t) => !named.has(t.id))
        .map((t) => ({ id: t.id, code: t.code, title: t.title, status: t.status, progress: t.progress })),
      metrics: {
        withActual: input.metrics.filter((m) => m.actual !== null).length,
        withoutActual: input.metrics.filter((m) => m.actual === null).length,
      },
      fromOutline: outline !== null,
      outlineItems: (outline ?? []).map((item, index) => ({
        ref: `四.${index + 1}`,
        category: item.category,
        kind: item.kind,
        leadUnit: unitNames.find((u) => u.id === item.leadUnitId)?.name ?? null,
        leadUser: users.find((u) => u.id === item.leadUserId)?.display_name ?? null,
        dueDate: item.dueDate,
        targets: item.targets.filter((t) => t.target !== null).length,
      })),
    },
    outline,
  };
}

export function previewNextYear(db: AppDatabase, planId: number): Promise<NextYearPreview> {
  return nextYearBasis(db, planId).then((b) => b.preview);
}

export interface NextYearChoice {
  /** Refs of 四 items to create ("四.1"). */
  planRefs: string[];
  /** Refs of 三 items to create ("三.2"). */
  problemRefs: string[];
  /** Unfinished tasks (not named in 四) to carry over. */
  carryTaskIds: number[];
  /** Also carry metrics nobody reported this year (their baseline stays empty). */
  includeUnreportedMetrics: boolean;
}

export interface NextYearResult {
  planId: number;
  year: number;
  taskIds: number[];
  metricCount: number;
}

/**
 * 开启下一年度: one transaction creates next year's plan from the final summary — its 四 items
 * as 重点工作 (or as carried-over tasks when they continue one of this year's), its 三 items as
 * 存在问题, the chosen unfinished tasks carried over, and the metrics with this year's actual
 * as next year's baseline. Refused when that year's plan already exists.
 */
export async function startNextYear(db: AppDatabase, actorId: number, planId: number, choice: NextYearChoice): Promise<NextYearResult> {
  return db.transaction().execute((trx) => startNextYearIn(trx, actorId, planId, choice));
}

/** startNextYear inside a caller's transaction (the first start's demo story). */
export async function startNextYearIn(
  trx: Transaction<Database>,
  actorId: number,
  planId: number,
  choice: NextYearChoice,
  at: Date = new Date(),
): Promise<NextYearResult> {
  const { preview, text, final, outline } = await nextYearBasis(trx, planId);
  if (preview.blocked) conflict(preview.blocked);
  const oldPlan = (await trx.selectFrom("plans").selectAll().where("id", "=", planId).executeTakeFirst())!;
  const input = await loadSummaryInput(trx, oldPlan);
  const parsed = parseSummary(text);
  const draft = draftPlan(parsed);
  const units = await trx.selectFrom("units").select(["id", "name", "kind"]).where("active", "=", 1).execute();
  const now = at.toISOString();
  const nextYear = preview.nextYear;

  const plan = await trx
    .insertInto("plans")
    .values({
      year: nextYear,
      title: `${oldPlan.organization}${nextYear}年重点工作`,
      organization: oldPlan.organization,
      status: "active",
      light_thresholds: oldPlan.light_thresholds,
      created_at: now,
      updated_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await recordAudit(trx, {
    actorId,
    action: "plan.create",
    entity: "plan",
    entityId: plan.id,
    after: { year: nextYear, from: oldPlan.year },
  });

  const oldTasks = await trx.selectFrom("tasks").selectAll().where("plan_id", "=", planId).execute();
  const oldUnits = await trx
    .selectFrom("task_units")
    .selectAll()
    .where("task_id", "in", oldTasks.length ? oldTasks.map((t) => t.id) : [0])
    .execute();
  const metricsByTask = new Map<number, SummaryMetric[]>();
  for (const m of input.metrics) if (m.taskId !== null) metricsByTask.set(m.taskId, [...(metricsByTask.get(m.taskId) ?? []), m]);
  const carriedTaskIds = new Set<number>();
  // This year's figures cover the whole year once it is over (else 1-N月): next year's baselines.
  const baselinePeriod = periodOf(oldPlan.year, input.asOf);
  const dueDate = `${nextYear}-12-31`;
  const owners = new Map<string, { leadUserId: number | null; leadUnitId: number | null }>();
  const ownerOf = (category: string) => {
    if (!owners.has(category)) {
      const same = oldTasks.filter((t) => t.category === category);
      const mostCommon = (values: (number | null)[]) => {
        const counts = new Map<number, number>();
        for (const v of values) if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
        return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
      };
      owners.set(category, {
        leadUserId: mostCommon(same.map((t) => t.lead_user_id)),
        leadUnitId: mostCommon(same.map((t) => oldUnits.find((u) => u.task_id === t.id && u.role === "lead")?.unit_id ?? null)),
      });
    }
    return owners.get(category)!;
  };

  const carryMetric = (m: SummaryMetric): Omit<MetricInput, "category"> | null =>
    m.actual === null && !choice.includeUnreportedMetrics
      ? null
      : {
          name: m.name,
          unit: m.unit,
          baseline: m.actual,
          baselinePeriod: m.actual === null ? null : baselinePeriod,
          target: null,
          direction: m.direction,
          aggregation: m.aggregation,
          sourceRef: null,
          sourceSentence: m.sourceSentence,
          phrase: m.phrase,
        };

  const carried = (old: (typeof oldTasks)[number], originRef: string | null, description: string): TaskInput => {
    carriedTaskIds.add(old.id);
    const roles = oldUnits.filter((u) => u.task_id === old.id);
    return {
      origin: "carried_over",
      originRef,
      carriedFromTaskId: old.id,
      title: old.title,
      description,
      category: old.category,
      sourceExcerpt: description,
      leadUnitId: roles.find((r) => r.role === "lead")?.unit_id ?? null,
      supportUnitIds: roles.filter((r) => r.role === "support").map((r) => r.unit_id),
      leadUserId: old.lead_user_id,
      startDate: `${nextYear}-01-01`,
      dueDate,
      status: old.status === "not_started" ? "not_started" : "in_progress",
      progress: old.progress,
      doneAt: null,
      metrics: (metricsByTask.get(old.id) ?? []).map(carryMetric).filter((m): m is Omit<MetricInput, "category"> => m !== null),
    };
  };

  // A 四 or 三 item that is not an unfinished task carried over: a new task of next year.
  const fresh = (taskDraft: (typeof draft.tasks)[number]): TaskInput => ({
    origin: taskDraft.origin,
    originRef: taskDraft.originRef,
    title: taskDraft.title,
    description: taskDraft.description,
    category: taskDraft.category,
    sourceExcerpt: taskDraft.description,
    ...withOwnerUnit(suggestUnits(taskDraft, units), taskDraft.category),
    leadUserId: ownerOf(taskDraft.category).leadUserId,
    startDate: `${nextYear}-01-01`,
    dueDate,
    status: "not_started",
    progress: 0,
    doneAt: null,
    metrics: [],
  });

  const withOwnerUnit = (suggested: { leadUnitId: number | null; supportUnitIds: number[] }, category: string) =>
    suggested.leadUnitId !== null ? suggested : { ...suggested, leadUnitId: ownerOf(category).leadUnitId };

  // From 明年工作思路: each chosen item is a task with its owners, 完成时限 and targets.
  const fromOutline = (item: OutlineItem, ref: string): TaskInput => {
    const old = item.fromTaskId !== null ? oldTasks.find((t) => t.id === item.fromTaskId) : undefined;
    const continues = item.kind === "continue" && old !== undefined;
    const open = continues && (old!.status === "in_progress" || old!.status === "not_started");
    const sourceOf = new Map(input.metrics.map((m) => [m.id, m]));
    if (continues) carriedTaskIds.add(old!.id);
    return {
      origin: continues ? "carried_over" : item.kind === "problem" ? "problem" : "key_work",
      originRef: ref,
      carriedFromTaskId: continues ? old!.id : null,
      title: item.title,
      description: continues ? old!.description : item.title,
      category: item.category,
      sourceExcerpt: item.title,
      leadUnitId: item.leadUnitId,
      supportUnitIds: item.supportUnitIds,
      leadUserId: item.leadUserId,
      startDate: `${nextYear}-01-01`,
      dueDate: item.dueDate,
      status: open && old!.status === "in_progress" ? "in_progress" : "not_started",
      progress: open ? old!.progress : 0,
      doneAt: null,
      metrics: item.targets.map((t) => ({
        name: t.name,
        unit: t.unit,
        baseline: t.baseline,
        baselinePeriod: t.baseline === null ? null : baselinePeriod,
        target: t.target,
        direction: t.direction,
        aggregation: t.aggregation,
        sourceRef: null,
        sourceSentence: t.metricId !== null ? (sourceOf.get(t.metricId)?.sourceSentence ?? null) : null,
        phrase: t.phrase,
      })),
    };
  };

  const tasks: TaskInput[] = [];
  if (outline) {
    outline.forEach((item, index) => {
      const ref = `四.${index + 1}`;
      if (choice.planRefs.includes(ref)) tasks.push(fromOutline(item, ref));
    });
  }
  for (const item of outline ? [] : preview.planItems) {
    if (!choice.planRefs.includes(item.ref)) continue;
    const taskDraft = draft.tasks.find((t) => t.group === "plan" && t.originRef === item.ref);
    if (!taskDraft) continue;
    const old = item.carriedFrom ? oldTasks.find((t) => t.id === item.carriedFrom!.id) : undefined;
    if (old) {
      tasks.push(carried(old, item.ref, taskDraft.description));
      continue;
    }
    tasks.push(fresh(taskDraft));
  }
  for (const taskDraft of draft.tasks.filter((t) => t.origin === "problem" && t.originRef && choice.problemRefs.includes(t.originRef))) {
    tasks.push(fresh(taskDraft));
  }
  for (const item of preview.unfinished) {
    if (!choice.carryTaskIds.includes(item.id)) continue;
    const old = oldTasks.find((t) => t.id === item.id)!;
    tasks.push(carried(old, null, old.description));
  }

  // Without an outline, metrics not travelling with a carried task stay with the plan, this
  // year's actual as baseline. With one, the leaders chose each task's targets: nothing else.
  const planMetrics: MetricInput[] = (outline ? [] : input.metrics)
    .filter((m) => m.taskId === null || !carriedTaskIds.has(m.taskId))
    .map((m) => {
      const carriedMetric = carryMetric(m);
      return carriedMetric ? { ...carriedMetric, category: m.category } : null;
    })
    .filter((m): m is MetricInput => m !== null);

  const result = await commitImportIn(trx, actorId, {
    planId: plan.id,
    fileName: `${oldPlan.organization}${oldPlan.year}年工作总结（定稿版本${final!.version}）.txt`,
    originalText: text,
    parsedJson: JSON.stringify(toSummaryJson(parsed)),
    tasks,
    metrics: planMetrics,
  });
  // The continued cards of this year become 已结转, linked to their successor.
  let carriedCount = 0;
  for (const [index, task] of tasks.entries()) {
    const old = task.carriedFromTaskId ? oldTasks.find((t) => t.id === task.carriedFromTaskId) : undefined;
    if (!old || old.status === "done" || old.status === "pending_review") continue;
    await trx
      .updateTable("tasks")
      // version + 1 in SQL: the row may have changed since it was read above (another leader's edit).
      .set((eb) => ({ carried_to_task_id: result.taskIds[index], updated_at: now, version: eb("version", "+", 1) }))
      .where("id", "=", old.id)
      .execute();
    await recordAudit(trx, {
      actorId,
      action: "task.carry",
      entity: "task",
      entityId: old.id,
      before: { status: old.status },
      after: { carried_to: result.taskIds[index] },
    });
    carriedCount++;
  }
  if (carriedCount) await bumpChangeSeq(trx, oldPlan.id);
  await recordAudit(trx, {
    actorId,
    action: "summary.start_next_year",
    entity: "plan",
    entityId: plan.id,
    after: {
      from: oldPlan.year,
      year: nextYear,
      summaryVersion: final!.version,
      tasks: result.taskIds.length,
      metrics: result.metricCount,
    },
  });
  return { planId: plan.id, year: nextYear, taskIds: result.taskIds, metricCount: result.metricCount };
}
