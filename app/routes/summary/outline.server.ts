// 明年工作思路: one outline per plan (next_year_outlines), saved as one form with a version check.
// The summary's section 四 and 开启下一年度 read it.
import type { Transaction } from "kysely";
import type { AppDatabase } from "../../../db/index";
import type { Database, Plan } from "../../../db/schema";
import { aggregateActual } from "~/lib/kpi";
import { measureKey } from "~/lib/summary/facts";
import { metricPhrase } from "~/lib/summary/writer";
import {
  blankRow,
  orderCategories,
  orderOutline,
  prefillOutline,
  withSuggestedOwners,
  type NextYearOutline,
  type OutlineItem,
  type OutlineRow,
  type OutlineSource,
} from "~/lib/summary/outline";
import type { SummaryOutlineItem } from "~/lib/summary/types";
import { WORK_AREAS } from "~/lib/plan-draft";
import { conflict } from "~/lib/refusal";
import { recordAudit } from "~/models/audit.server";
import { loadPlanMetricsWithValues } from "~/models/metric-totals.server";

type Db = AppDatabase | Transaction<Database>;

export interface SavedOutline {
  outline: NextYearOutline;
  version: number;
  updatedAt: string;
}

export async function getOutline(db: Db, planId: number): Promise<SavedOutline | null> {
  const row = await db
    .selectFrom("next_year_outlines")
    .select(["content", "version", "updated_at"])
    .where("plan_id", "=", planId)
    .executeTakeFirst();
  return row ? { outline: JSON.parse(row.content) as NextYearOutline, version: row.version, updatedAt: row.updated_at } : null;
}

/** This year's tasks (with owners), metrics (with actuals) and open 困难问题: what the page is prefilled from. */
export async function loadOutlineSource(db: Db, plan: Plan): Promise<OutlineSource> {
  const tasks = await db
    .selectFrom("tasks")
    .select(["id", "title", "category", "origin", "status", "lead_user_id"])
    .where("plan_id", "=", plan.id)
    .orderBy("code")
    .execute();
  const ids = tasks.map((t) => t.id);
  const roles = ids.length ? await db.selectFrom("task_units").selectAll().where("task_id", "in", ids).execute() : [];
  const { metrics, values } = await loadPlanMetricsWithValues(db, plan.id);
  const blockers = ids.length
    ? await db
        .selectFrom("updates")
        .select(["task_id", "blockers"])
        .where("task_id", "in", ids)
        .where("blockers", "!=", "")
        .orderBy("week", "desc")
        .orderBy("updated_at", "desc")
        .execute()
    : [];
  const open = new Set(tasks.filter((t) => t.status !== "done").map((t) => t.id));
  // One value per measure, as the summary states it (facts.ts): the most complete report.
  const actualOf = new Map(
    metrics.map((m) => [
      m.id,
      aggregateActual(
        m,
        values
          .filter((v) => v.metric_id === m.id)
          .map((v) => ({ unitId: v.unit_id, weekKey: v.week, value: v.value, reportedAt: v.reported_at })),
      ),
    ]),
  );
  const measureActual = new Map<string, number>();
  for (const m of metrics) {
    const actual = actualOf.get(m.id);
    const key = measureKey(m.name, m.unit);
    if (actual != null && actual > (measureActual.get(key) ?? -Infinity)) measureActual.set(key, actual);
  }
  const taskCategory = new Map(tasks.map((t) => [t.id, t.category]));
  const leaders = await db.selectFrom("users").select("id").where("role", "in", ["leader", "admin"]).where("disabled", "=", 0).execute();
  const activeUnits = await db.selectFrom("units").select("id").where("active", "=", 1).execute();
  return {
    year: plan.year,
    eligible: { leaderIds: leaders.map((u) => u.id), unitIds: activeUnits.map((u) => u.id) },
    tasks: tasks.map((t) => ({
      id: t.id,
      title: t.title,
      category: t.category,
      origin: t.origin,
      status: t.status,
      leadUserId: t.lead_user_id,
      leadUnitId: roles.find((r) => r.task_id === t.id && r.role === "lead")?.unit_id ?? null,
      supportUnitIds: roles.filter((r) => r.task_id === t.id && r.role === "support").map((r) => r.unit_id),
    })),
    metrics: metrics.map((m) => ({
      id: m.id,
      taskId: m.task_id,
      name: m.name,
      unit: m.unit,
      actual: actualOf.get(m.id) == null ? null : (measureActual.get(measureKey(m.name, m.unit)) ?? null),
      direction: m.direction,
      aggregation: m.aggregation,
      category:
        (m.task_id !== null ? taskCategory.get(m.task_id) : undefined) ??
        WORK_AREAS.find((a) => m.category.includes(a.area))?.area ??
        m.category,
      phrase: metricPhrase({ name: m.name, phrase: m.phrase, sourceSentence: m.source_sentence }),
    })),
    blockers: blockers.filter((b) => open.has(b.task_id)).map((b) => ({ taskId: b.task_id, text: b.blockers })),
  };
}

/** Blank rows per category for new priorities (every work area, so 民生 can be added where this year had no task). */
export const BLANK_ROWS_PER_CATEGORY = 2;

/** The rows the page shows: the saved outline (ticked) plus the prefill it left out, or the prefill. */
export function outlineRows(source: OutlineSource, saved: SavedOutline | null): { categories: string[]; rows: OutlineRow[] } {
  const prefill = prefillOutline(source);
  let rows: OutlineRow[];
  if (saved) {
    // Saved owners were confirmed; only one no longer eligible (a disabled leader) is suggested again.
    const kept = saved.outline.items.map((item) => withSuggestedOwners(source, { ...item, include: true }));
    const sameRow = (a: OutlineItem, b: OutlineItem) =>
      a.kind === b.kind && a.fromTaskId === b.fromTaskId && (a.kind !== "problem" || a.title === b.title) && a.kind !== "new";
    rows = [...kept, ...prefill.filter((p) => !kept.some((k) => sameRow(k, p))).map((p) => ({ ...p, include: false }))];
  } else {
    rows = prefill;
  }
  const categories = orderCategories([...rows.map((r) => r.category), ...WORK_AREAS.map((a) => a.area)]);
  for (const category of categories) {
    for (let i = 0; i < BLANK_ROWS_PER_CATEGORY; i++) rows.push(blankRow(source, category));
  }
  return { categories, rows: orderOutline(rows) };
}

/** Saves the outline (the ticked rows), refusing a stale form with a 409. */
export async function saveOutline(
  db: AppDatabase,
  actorId: number,
  planId: number,
  items: OutlineItem[],
  expectedVersion: number,
): Promise<number> {
  return db.transaction().execute((trx) => saveOutlineIn(trx, actorId, planId, items, expectedVersion));
}

/** saveOutline inside a caller's transaction (the first start's demo story). */
export async function saveOutlineIn(
  trx: Transaction<Database>,
  actorId: number,
  planId: number,
  items: OutlineItem[],
  expectedVersion: number,
  at: Date = new Date(),
): Promise<number> {
  const current = await getOutline(trx, planId);
  if ((current?.version ?? 0) !== expectedVersion) conflict("已被他人修改：明年工作思路刚被保存过，请刷新后再填写。");
  const content: NextYearOutline = { format: 1, items: orderOutline(items) };
  const now = at.toISOString();
  if (current) {
    await trx
      .updateTable("next_year_outlines")
      .set({ content: JSON.stringify(content), updated_by: actorId, updated_at: now, version: current.version + 1 })
      .where("plan_id", "=", planId)
      .execute();
  } else {
    await trx
      .insertInto("next_year_outlines")
      .values({ plan_id: planId, content: JSON.stringify(content), updated_by: actorId, updated_at: now })
      .execute();
  }
  await recordAudit(
    trx,
    {
      actorId,
      action: "outline.save",
      entity: "plan",
      entityId: planId,
      before: current ? { items: current.outline.items.length } : null,
      after: { items: items.length },
    },
    at,
  );
  return (current?.version ?? 0) + 1;
}

/** The outline as the writer reads it (unit names resolved), or undefined when none was saved. */
export async function outlineForWriter(db: Db, planId: number): Promise<SummaryOutlineItem[] | undefined> {
  const saved = await getOutline(db, planId);
  if (!saved || saved.outline.items.length === 0) return undefined;
  const units = await db.selectFrom("units").select(["id", "name"]).execute();
  const name = (id: number | null) => units.find((u) => u.id === id)?.name ?? null;
  return saved.outline.items.map((item) => ({
    category: item.category,
    kind: item.kind,
    title: item.title,
    leadUnit: name(item.leadUnitId),
    supportUnits: item.supportUnitIds.map(name).filter((n): n is string => n !== null),
    dueDate: item.dueDate,
    targets: item.targets.filter((t) => t.target !== null).map((t) => ({ phrase: t.phrase, value: t.target!, unit: t.unit })),
  }));
}
