// The demo plan of the first start: the seed summary (平东街道 2024年工作总结) imported into
// the 2025 plan as a leader would — its 7 重点工作 and 3 存在问题 as tasks with 责任单位 and a
// 完成时限, its figures as metrics with the 2024 values as baselines, and a few targets.
// Where the year stands today decides the cards' columns, so the lights make sense.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Transaction } from "kysely";
import type { Database, TaskStatus } from "../../db/schema";
import { parseSummary, toSummaryJson } from "~/lib/importer";
import {
  draftPlan,
  isYearBaseline,
  matchWorkAreas,
  standaloneMetric,
  suggestUnits,
  type MetricDraft,
  type PlanDraft,
} from "~/lib/plan-draft";
import { daysBetween } from "~/lib/weeks";
import { commitImportIn, type TaskInput } from "~/routes/import/commit.server";

export const SEED_FILE = resolve("db/seed/pingdong-2024-summary.txt");
export const SEED_FILE_NAME = "平东街道2024年工作总结.txt";

const KEY_WORK_DUE = ["06-30", "09-30", "12-15", "12-31", "10-31", "11-30", "12-31"];
const PROBLEM_DUE = ["06-30", "09-30", "08-31"];

/** Demo targets: this year's target is last year's figure plus a tenth, rounded. */
function demoTarget(baseline: number): number {
  return baseline >= 100 ? Math.round((baseline * 1.1) / 10) * 10 : Math.ceil(baseline * 1.1);
}

/** Up to two of last year's figures in the task's main work area: money first, then largest. */
function demoTaskMetrics(areas: string[], metrics: MetricDraft[]): MetricDraft[] {
  if (!areas.length) return [];
  return metrics
    .filter((m) => !m.approximate && m.baseline > 0 && isYearBaseline(m) && m.unit !== "%" && m.direction === "up")
    .filter((m) => matchWorkAreas(`${m.name} ${m.sentence}`)[0] === areas[0])
    .sort((a, b) => Number(b.unit.endsWith("元")) - Number(a.unit.endsWith("元")) || b.baseline - a.baseline)
    .slice(0, 2);
}

/**
 * The column a demo card stands in today. Before the year nothing has started; during it,
 * tasks past their 完成时限 are mostly done; after it, most are 已销号 and a few are late.
 */
function demoStatus(
  index: number,
  dueDate: string,
  year: number,
  today: string,
): { status: TaskStatus; progress: number; doneAt: string | null } {
  if (today < `${year}-01-01`) return { status: "not_started", progress: 0, doneAt: null };
  const pastDue = today > dueDate;
  if (pastDue) {
    if (index % 5 === 3) return { status: "pending_review", progress: 100, doneAt: null };
    if (index % 5 === 4) return { status: "in_progress", progress: 80, doneAt: null };
    return { status: "done", progress: 100, doneAt: `${dueDate}T08:00:00.000Z` };
  }
  const elapsed = Math.max(0, Math.min(1, daysBetween(`${year}-01-01`, today) / 365));
  if (index % 4 === 3 && elapsed < 0.3) return { status: "not_started", progress: 0, doneAt: null };
  return { status: "in_progress", progress: Math.round(elapsed * 80), doneAt: null };
}

export interface SeedContext {
  planId: number;
  year: number;
  leaderUserId: number | null;
  units: { id: number; name: string; kind: "community" | "office" }[];
  today: string;
}

export function seedTaskInputs(draft: PlanDraft, context: SeedContext): TaskInput[] {
  return draft.tasks
    .filter((task) => task.group !== "vision")
    .map((task, index) => {
      const isProblem = task.origin === "problem";
      const dueDate = `${context.year}-${isProblem ? PROBLEM_DUE[index % PROBLEM_DUE.length] : KEY_WORK_DUE[index % KEY_WORK_DUE.length]}`;
      const units = suggestUnits(task, context.units);
      const state = demoStatus(index, dueDate, context.year, context.today);
      return {
        origin: task.origin,
        originRef: task.originRef,
        title: task.title,
        description: task.description,
        category: task.category,
        sourceExcerpt: task.description,
        leadUnitId: units.leadUnitId,
        supportUnitIds: units.supportUnitIds,
        leadUserId: context.leaderUserId,
        startDate: `${context.year}-${isProblem ? "02-01" : "01-01"}`,
        dueDate,
        ...state,
        metrics: isProblem
          ? []
          : demoTaskMetrics(task.areas, draft.metrics).map((m) => ({
              name: m.name,
              unit: m.unit,
              baseline: m.baseline,
              baselinePeriod: m.baselinePeriod,
              target: demoTarget(m.baseline),
              direction: m.direction,
              aggregation: m.aggregation,
              sourceRef: m.ref,
              sourceSentence: m.sentence,
            })),
      };
    });
}

export async function importSeedPlan(trx: Transaction<Database>, context: SeedContext) {
  const originalText = readFileSync(SEED_FILE, "utf8");
  const parsed = parseSummary(originalText);
  const draft = draftPlan(parsed);
  return commitImportIn(trx, null, {
    planId: context.planId,
    fileName: SEED_FILE_NAME,
    originalText,
    parsedJson: JSON.stringify(toSummaryJson(parsed)),
    tasks: seedTaskInputs(draft, context),
    metrics: draft.metrics.map(standaloneMetric),
  });
}
