/**
 * 明年工作思路: next year's 重点工作, written by leaders per category before 开启下一年度.
 * Pure and client-safe: the page, the writer (section 四) and 开启下一年度 share it.
 *
 * An item is one task of next year: its category, what it is (继续推进 a task of this year,
 * 整改 a problem, or a new priority), its 责任领导, 牵头/配合单位, 完成时限 and targets. Targets of
 * continuing measures carry this year's actual as next year's baseline.
 */
import { WORK_AREAS } from "~/lib/plan-draft";

export type OutlineKind = "continue" | "problem" | "new";

/** The category of next year's items continuing this year's uncategorised tasks. */
export const OTHER_CATEGORY = "其他";

export interface OutlineTarget {
  /** This year's metric the target continues (null for a new measure). */
  metricId: number | null;
  name: string;
  unit: string;
  /** The verb phrase the summary tells it with ("排查商户"). */
  phrase: string;
  target: number | null;
  /** This year's actual: next year's baseline. */
  baseline: number | null;
  direction: "up" | "down" | "cap" | "floor";
  aggregation: "sum" | "latest";
}

export interface OutlineItem {
  category: string;
  kind: OutlineKind;
  /** The task of this year it continues (kind "continue"), or whose problem it fixes. */
  fromTaskId: number | null;
  title: string;
  leadUserId: number | null;
  leadUnitId: number | null;
  supportUnitIds: number[];
  /** "YYYY-MM-DD" of next year. */
  dueDate: string;
  targets: OutlineTarget[];
}

export interface NextYearOutline {
  format: 1;
  items: OutlineItem[];
}

export type OwnerField = "leadUserId" | "leadUnitId";

/** Where a suggested owner comes from: most of the category's tasks this year, or most of the year's tasks. */
export type OwnerBasis = "category" | "plan";

/** A row of the form: an item, and whether the leader keeps it. */
export interface OutlineRow extends OutlineItem {
  include: boolean;
  /** Owners the page filled in (the task it continues had none): shown as 建议, for the leader to confirm. */
  suggested?: Partial<Record<OwnerField, { id: number; basis: OwnerBasis }>>;
}

/** This year's data the page is prefilled from. */
export interface OutlineSourceTask {
  id: number;
  title: string;
  category: string;
  origin: string;
  status: "not_started" | "in_progress" | "pending_review" | "done";
  leadUserId: number | null;
  leadUnitId: number | null;
  supportUnitIds: number[];
}

export interface OutlineSourceMetric {
  id: number;
  taskId: number | null;
  name: string;
  unit: string;
  actual: number | null;
  direction: OutlineTarget["direction"];
  aggregation: OutlineTarget["aggregation"];
  category: string;
  phrase: string | null;
}

export interface OutlineSource {
  year: number;
  tasks: OutlineSourceTask[];
  metrics: OutlineSourceMetric[];
  /** 困难问题 reported on open tasks (latest per task and unit). */
  blockers: { taskId: number; text: string }[];
  /** Who can own an item: users who can be 责任领导 and active units (all, when left out). */
  eligible?: { leaderIds: number[]; unitIds: number[] };
}

/** Categories in their usual order (the work areas first), then others, 其他 and "" last. */
export function orderCategories(categories: Iterable<string>): string[] {
  const unique = [...new Set(categories)];
  const known = WORK_AREAS.map((a) => a.area).filter((a) => unique.includes(a));
  const others = unique.filter((c) => c && c !== OTHER_CATEGORY && !known.includes(c));
  return [...known, ...others, ...[OTHER_CATEGORY, ""].filter((c) => unique.includes(c))];
}

/** Items grouped by category in the usual order: the order of section 四 and of the new tasks. */
export function orderOutline<T extends { category: string }>(items: T[]): T[] {
  return orderCategories(items.map((i) => i.category)).flatMap((c) => items.filter((i) => i.category === c));
}

function mostFrequent(values: (number | null)[], allowed: (v: number) => boolean): number | null {
  const counts = new Map<number, number>();
  for (const v of values) if (v !== null && allowed(v)) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: number | null = null;
  for (const [v, n] of counts) if (best === null || n > counts.get(best)!) best = v;
  return best;
}

function allowedOwner(source: Pick<OutlineSource, "eligible">, field: OwnerField) {
  const ids = source.eligible && new Set(field === "leadUserId" ? source.eligible.leaderIds : source.eligible.unitIds);
  return (id: number | null): id is number => id !== null && (!ids || ids.has(id));
}

/**
 * A category's usual owner: the 责任领导 and the 牵头单位 of most of this year's tasks in it; where
 * none of them has one, those of most of the year's tasks (uncategorised work, a category whose
 * tasks were all added without owners).
 */
export function categoryOwner(
  source: Pick<OutlineSource, "tasks" | "eligible">,
  category: string,
): Record<OwnerField, { id: number; basis: OwnerBasis } | null> {
  const inCategory = source.tasks.filter((t) => (t.category || OTHER_CATEGORY) === category);
  const owner = (field: OwnerField) => {
    const allowed = allowedOwner(source, field);
    const fromCategory = mostFrequent(
      inCategory.map((t) => t[field]),
      allowed,
    );
    if (fromCategory !== null) return { id: fromCategory, basis: "category" as const };
    const fromPlan = mostFrequent(
      source.tasks.map((t) => t[field]),
      allowed,
    );
    return fromPlan !== null ? { id: fromPlan, basis: "plan" as const } : null;
  };
  return { leadUserId: owner("leadUserId"), leadUnitId: owner("leadUnitId") };
}

/**
 * Fills a row's missing (or no longer eligible) 责任领导 and 牵头单位 with the category's usual
 * owner, marking them as 建议 for the leader to confirm on the page.
 */
export function withSuggestedOwners(source: Pick<OutlineSource, "tasks" | "eligible">, row: OutlineRow): OutlineRow {
  const usual = categoryOwner(source, row.category);
  let result = row;
  for (const field of ["leadUserId", "leadUnitId"] as const) {
    const suggestion = usual[field];
    if (allowedOwner(source, field)(row[field]) || !suggestion) continue;
    result = { ...result, [field]: suggestion.id, suggested: { ...result.suggested, [field]: suggestion } };
  }
  return result;
}

function clause(text: string): string {
  return text.trim().replace(/[。；;，,、：:\s]+$/u, "");
}

function targetOf(m: OutlineSourceMetric): OutlineTarget {
  return {
    metricId: m.id,
    name: m.name,
    unit: m.unit,
    phrase: m.phrase ?? m.name,
    target: m.actual,
    baseline: m.actual,
    direction: m.direction,
    aggregation: m.aggregation,
  };
}

/**
 * The page's first rows: per category, a 继续推进 row for every task of this year (ticked when
 * unfinished), its measures as proposed targets (this year's actual, editable); a 整改 row for
 * each distinct 困难问题 reported on an open task; and, where plan-level measures were reported,
 * an unticked row carrying them. Blank rows for new priorities are added by the page.
 */
export function prefillOutline(source: OutlineSource): OutlineRow[] {
  const next = source.year + 1;
  const dueDate = `${next}-12-31`;
  const rows: OutlineRow[] = [];
  // Next year's tasks all have a category: this year's uncategorised work goes on under 其他.
  const categoryOf = (t: OutlineSourceTask) => t.category || OTHER_CATEGORY;
  const categories = orderCategories([
    ...source.tasks.map(categoryOf),
    ...source.metrics.filter((m) => m.actual !== null).map((m) => m.category || OTHER_CATEGORY),
  ]);
  // A 困难问题 two units reported in the same words is one problem to fix.
  const seen = new Set<string>();
  for (const category of categories) {
    const tasks = source.tasks.filter((t) => categoryOf(t) === category);
    for (const task of tasks) {
      const open = task.status === "in_progress" || task.status === "not_started";
      rows.push({
        include: open,
        category,
        kind: "continue",
        fromTaskId: task.id,
        title: clause(task.title),
        leadUserId: task.leadUserId,
        leadUnitId: task.leadUnitId,
        supportUnitIds: task.supportUnitIds,
        dueDate,
        targets: source.metrics.filter((m) => m.taskId === task.id && m.actual !== null).map(targetOf),
      });
    }
    for (const blocker of source.blockers) {
      const task = tasks.find((t) => t.id === blocker.taskId);
      const text = clause(blocker.text);
      if (!task || !text || seen.has(text)) continue;
      seen.add(text);
      rows.push({
        include: true,
        category,
        kind: "problem",
        fromTaskId: task.id,
        title: text,
        leadUserId: task.leadUserId,
        leadUnitId: task.leadUnitId,
        supportUnitIds: task.supportUnitIds,
        dueDate,
        targets: [],
      });
    }
    const planLevel = source.metrics.filter((m) => m.taskId === null && m.actual !== null && (m.category || OTHER_CATEGORY) === category);
    if (planLevel.length) {
      rows.push({
        include: false,
        category,
        kind: "new",
        fromTaskId: null,
        title: `完成${category}工作主要指标`,
        leadUserId: null,
        leadUnitId: null,
        supportUnitIds: [],
        dueDate,
        targets: planLevel.map(targetOf),
      });
    }
  }
  return rows.map((row) => withSuggestedOwners(source, row));
}

/** A blank row for a new priority of a category, owned by the category's usual owner. */
export function blankRow(source: OutlineSource, category: string): OutlineRow {
  return withSuggestedOwners(source, {
    include: false,
    category,
    kind: "new",
    fromTaskId: null,
    title: "",
    leadUserId: null,
    leadUnitId: null,
    supportUnitIds: [],
    dueDate: `${source.year + 1}-12-31`,
    targets: [],
  });
}
