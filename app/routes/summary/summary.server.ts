// The year-end summary (年度总结草稿): the data the writer reads, its stored versions, edits
// per section with a version check, restore, 定稿, and starting next year's plan from it.
//
// Storage: one `summaries` row per version. `content` is JSON (StoredSummary): the document,
// a revision number per section (the 409 check for concurrent edits of the same section),
// a note saying what made the version, and when it was last saved. An autosave by the same
// person within a few minutes updates their own latest draft instead of piling up versions.
import type { Transaction } from "kysely";
import type { AppDatabase } from "../../../db/index";
import type { Database, Plan } from "../../../db/schema";
import { aggregateActual } from "~/lib/kpi";
import { computeLight, lightTaskOf } from "~/lib/lights";
import { matchWorkAreas } from "~/lib/plan-draft";
import {
  SECTION_KEYS,
  type SectionKey,
  type SummaryDocument,
  type SummaryInput,
  type SummaryMetric,
  type SummaryTask,
} from "~/lib/summary/types";
import { writeSummary } from "~/lib/summary/writer";
import { toDateKey } from "~/lib/weeks";
import { recordAudit } from "~/models/audit.server";
import { loadPlanMetricsWithValues } from "~/models/metric-totals.server";
import { planThresholds } from "~/models/plans.server";
import { conflict, notFound } from "~/lib/refusal";
import { outlineForWriter } from "~/routes/summary/outline.server";
import { userName } from "~/models/names.server";

type Db = AppDatabase | Transaction<Database>;

/** Autosaves by the same person within this time update their own latest draft in place. */
export const AUTOSAVE_COALESCE_MS = 10 * 60 * 1000;

export type SectionRevisions = Record<SectionKey, number>;

export interface StoredSummary {
  format: 1;
  document: SummaryDocument;
  revs: SectionRevisions;
  /** What made this version: "根据数据生成", "编辑：三、存在问题", "恢复自版本3", "定稿". */
  note: string;
  /** Last save (an autosave may update a version after it was created). */
  savedAt: string;
}

export interface SummaryVersion {
  id: number;
  planId: number;
  version: number;
  status: "draft" | "final";
  authorId: number | null;
  authorName: string | null;
  createdAt: string;
  content: StoredSummary;
}

/** "平东街道" → "平东街道办事处", as the seed signs. */
export function issuerOf(organization: string): string {
  return /街道$/.test(organization) ? `${organization}办事处` : organization;
}

/** The date a summary speaks for: today, or the last day of the plan's year once it is over. */
export function summaryDate(year: number, today: string): string {
  const yearEnd = `${year}-12-31`;
  return today > yearEnd ? yearEnd : today;
}

// ------------------------------------------------------------------ the writer's data

/**
 * Imported plan-level figures carry the old summary's heading as category ("党建工作水平有所
 * 提升"); tasks carry a work area ("党建"). The summary groups both under the work area.
 */
export function summaryCategory(category: string): string {
  return matchWorkAreas(category)[0] ?? category;
}

/** Everything the writer needs about one plan, as plain data. */
export async function loadSummaryInput(db: Db, plan: Plan, today: string = toDateKey(new Date())): Promise<SummaryInput> {
  const asOf = summaryDate(plan.year, today);
  const thresholds = planThresholds(plan.light_thresholds);
  const tasks = await db
    .selectFrom("tasks")
    .select([
      "id",
      "code",
      "title",
      "category",
      "origin",
      "status",
      "progress",
      "start_date",
      "due_date",
      "original_due_date",
      "done_at",
      "created_at",
    ])
    .where("plan_id", "=", plan.id)
    .orderBy("code")
    .execute();
  const taskIds = tasks.map((t) => t.id);
  const unitRows = taskIds.length
    ? await db
        .selectFrom("task_units")
        .innerJoin("units", "units.id", "task_units.unit_id")
        .select(["task_units.task_id", "task_units.role", "units.name", "units.sort_order", "units.id"])
        .where("task_units.task_id", "in", taskIds)
        .orderBy("units.sort_order")
        .orderBy("units.id")
        .execute()
    : [];
  const lastWeeks = taskIds.length
    ? await db
        .selectFrom("updates")
        .select(["task_id", (eb) => eb.fn.max("week").as("week")])
        .where("task_id", "in", taskIds)
        .groupBy("task_id")
        .execute()
    : [];
  const lastWeekOf = new Map(lastWeeks.map((r) => [r.task_id, r.week as string | null]));

  const summaryTasks: SummaryTask[] = tasks.map((task) => {
    const light = computeLight(lightTaskOf(task, task.progress, lastWeekOf.get(task.id) ?? null), {
      today: asOf,
      planStart: `${plan.year}-01-01`,
      thresholds,
    });
    const units = unitRows.filter((u) => u.task_id === task.id);
    return {
      id: task.id,
      code: task.code,
      title: task.title,
      category: task.category,
      origin: task.origin,
      status: task.status,
      light: light.light,
      progress: task.progress,
      expectedProgress: light.expectedProgress,
      dueDate: task.due_date,
      originalDueDate: task.original_due_date,
      doneDate: task.done_at ? toDateKey(task.done_at) : null,
      silent: light.reasons.some((r) => r.includes("未填报")),
      leadUnit: units.find((u) => u.role === "lead")?.name ?? null,
      supportUnits: units.filter((u) => u.role === "support").map((u) => u.name),
    };
  });

  const { metrics, values } = await loadPlanMetricsWithValues(db, plan.id);
  const valuesOf = new Map<number, typeof values>();
  for (const v of values) valuesOf.set(v.metric_id, [...(valuesOf.get(v.metric_id) ?? []), v]);
  const taskCategory = new Map(tasks.map((t) => [t.id, t.category]));
  const summaryMetrics: SummaryMetric[] = metrics.map((m) => ({
    id: m.id,
    taskId: m.task_id,
    name: m.name,
    unit: m.unit,
    baseline: m.baseline,
    target: m.target,
    actual: aggregateActual(
      m,
      (valuesOf.get(m.id) ?? []).map((v) => ({ unitId: v.unit_id, weekKey: v.week, value: v.value, reportedAt: v.reported_at })),
    ),
    direction: m.direction,
    aggregation: m.aggregation,
    category: (m.task_id !== null ? taskCategory.get(m.task_id) : undefined) ?? summaryCategory(m.category),
    baselinePeriod: m.baseline_period,
    phrase: m.phrase,
    sourceSentence: m.source_sentence,
  }));

  const blockerRows = taskIds.length
    ? await db
        .selectFrom("updates")
        .innerJoin("units", "units.id", "updates.unit_id")
        .select(["updates.task_id", "updates.blockers", "updates.needs_coordination", "units.name"])
        .where("updates.task_id", "in", taskIds)
        .where("updates.blockers", "!=", "")
        .orderBy("updates.week", "desc")
        .orderBy("updates.updated_at", "desc")
        .execute()
    : [];

  return {
    organization: plan.organization,
    issuer: issuerOf(plan.organization),
    year: plan.year,
    asOf,
    tasks: summaryTasks,
    metrics: summaryMetrics,
    blockers: blockerRows.map((b) => ({
      taskId: b.task_id,
      unit: b.name,
      text: b.blockers,
      needsCoordination: Boolean(b.needs_coordination),
    })),
    outline: await outlineForWriter(db, plan.id),
  };
}

// ------------------------------------------------------------------ versions

function parseContent(content: string): StoredSummary {
  const parsed = JSON.parse(content) as StoredSummary;
  return parsed;
}

type SummaryRow = {
  id: number;
  plan_id: number;
  version: number;
  status: "draft" | "final";
  content: string;
  author_id: number | null;
  created_at: string;
  author_name: string | null;
};

function toVersion(row: SummaryRow): SummaryVersion {
  return {
    id: row.id,
    planId: row.plan_id,
    version: row.version,
    status: row.status,
    authorId: row.author_id,
    authorName: row.author_name,
    createdAt: row.created_at,
    content: parseContent(row.content),
  };
}

function summaryQuery(db: Db, planId: number) {
  return db
    .selectFrom("summaries")
    .select((eb) => [
      "summaries.id",
      "summaries.plan_id",
      "summaries.version",
      "summaries.status",
      "summaries.content",
      "summaries.author_id",
      "summaries.created_at",
      userName(eb, "summaries.author_id").as("author_name"),
    ])
    .where("summaries.plan_id", "=", planId);
}

export async function getLatestSummary(db: Db, planId: number): Promise<SummaryVersion | null> {
  const row = await summaryQuery(db, planId).orderBy("summaries.version", "desc").limit(1).executeTakeFirst();
  return row ? toVersion(row) : null;
}

export async function getSummaryVersion(db: Db, planId: number, version: number): Promise<SummaryVersion | null> {
  const row = await summaryQuery(db, planId).where("summaries.version", "=", version).executeTakeFirst();
  return row ? toVersion(row) : null;
}

export async function listSummaryVersions(db: Db, planId: number): Promise<SummaryVersion[]> {
  const rows = await summaryQuery(db, planId).orderBy("summaries.version", "desc").execute();
  return rows.map(toVersion);
}

function allRevisions(value: (key: SectionKey) => number): SectionRevisions {
  return Object.fromEntries(SECTION_KEYS.map((key) => [key, value(key)])) as SectionRevisions;
}

export async function insertVersion(
  trx: Transaction<Database>,
  planId: number,
  version: number,
  status: "draft" | "final",
  actorId: number,
  content: StoredSummary,
): Promise<number> {
  const row = await trx
    .insertInto("summaries")
    .values({ plan_id: planId, version, status, content: JSON.stringify(content), author_id: actorId, created_at: content.savedAt })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

function staleVersion(latest: SummaryVersion | null, expected: number | null): boolean {
  return (latest?.version ?? 0) !== (expected ?? 0);
}

const STALE_MESSAGE = "已被他人修改：总结刚产生了新的版本，请刷新后再试。";

/** A section as it was at revision `rev` (newest version holding it), or null when no version kept it. */
export async function sectionAtRev(
  trx: Db,
  planId: number,
  key: SectionKey,
  rev: number,
): Promise<{ heading: string; body: string } | null> {
  const rows = await summaryQuery(trx, planId).orderBy("summaries.version", "desc").limit(200).execute();
  for (const row of rows) {
    const content = parseContent(row.content);
    if (content.revs[key] < rev) return null;
    if (content.revs[key] !== rev) continue;
    const section = content.document.sections.find((s) => s.key === key);
    return section ? { heading: section.heading, body: section.body } : null;
  }
  return null;
}

/** Writes a new version from the plan's data. `expectedVersion` is the latest the user saw (0: none). */
export async function generateSummary(
  db: AppDatabase,
  actorId: number,
  planId: number,
  expectedVersion: number | null,
  today: string = toDateKey(new Date()),
): Promise<SummaryVersion> {
  return db.transaction().execute((trx) => generateSummaryIn(trx, actorId, planId, expectedVersion, today));
}

/** generateSummary inside a caller's transaction (the first start's demo story). */
export async function generateSummaryIn(
  trx: Transaction<Database>,
  actorId: number,
  planId: number,
  expectedVersion: number | null,
  today: string = toDateKey(new Date()),
  at: Date = new Date(),
): Promise<SummaryVersion> {
  const plan = await trx.selectFrom("plans").selectAll().where("id", "=", planId).executeTakeFirst();
  if (!plan) notFound("没有找到该年度计划。");
  const latest = await getLatestSummary(trx, planId);
  if (staleVersion(latest, expectedVersion)) conflict(STALE_MESSAGE);
  const { document } = writeSummary(await loadSummaryInput(trx, plan, today));
  const now = at.toISOString();
  const content: StoredSummary = {
    format: 1,
    document,
    revs: allRevisions((key) => (latest?.content.revs[key] ?? 0) + 1),
    note: latest ? "根据最新数据重新生成" : "根据数据生成",
    savedAt: now,
  };
  const version = (latest?.version ?? 0) + 1;
  const id = await insertVersion(trx, planId, version, "draft", actorId, content);
  await recordAudit(trx, { actorId, action: "summary.generate", entity: "summary", entityId: id, after: { plan: plan.year, version } }, at);
  return (await getSummaryVersion(trx, planId, version))!;
}

/** A new version with an old version's text. Every section's revision moves on, so open editors notice. */
export async function restoreSummaryVersion(
  db: AppDatabase,
  actorId: number,
  planId: number,
  version: number,
  expectedLatest: number,
): Promise<SummaryVersion> {
  return db.transaction().execute(async (trx) => {
    const latest = await getLatestSummary(trx, planId);
    if (staleVersion(latest, expectedLatest)) conflict(STALE_MESSAGE);
    const source = await getSummaryVersion(trx, planId, version);
    if (!source) notFound(`没有找到版本${version}。`);
    const next = latest!.version + 1;
    const content: StoredSummary = {
      format: 1,
      document: source.content.document,
      revs: allRevisions((key) => latest!.content.revs[key] + 1),
      note: `恢复自版本${version}`,
      savedAt: new Date().toISOString(),
    };
    const id = await insertVersion(trx, planId, next, "draft", actorId, content);
    await recordAudit(trx, {
      actorId,
      action: "summary.restore",
      entity: "summary",
      entityId: id,
      after: { from: version, version: next },
    });
    return (await getSummaryVersion(trx, planId, next))!;
  });
}

/** 定稿: the latest text as a final version — what starting next year reads. */
export async function finalizeSummary(db: AppDatabase, actorId: number, planId: number, expectedLatest: number): Promise<SummaryVersion> {
  return db.transaction().execute((trx) => finalizeSummaryIn(trx, actorId, planId, expectedLatest));
}

/** finalizeSummary inside a caller's transaction (the first start's demo story). */
export async function finalizeSummaryIn(
  trx: Transaction<Database>,
  actorId: number,
  planId: number,
  expectedLatest: number,
  at: Date = new Date(),
): Promise<SummaryVersion> {
  const latest = await getLatestSummary(trx, planId);
  if (staleVersion(latest, expectedLatest)) conflict(STALE_MESSAGE);
  if (!latest) notFound("该年度还没有总结草稿，请先生成。");
  if (latest.status === "final") conflict("当前版本已经定稿。");
  const next = latest.version + 1;
  const content: StoredSummary = { ...latest.content, note: "定稿", savedAt: at.toISOString() };
  const id = await insertVersion(trx, planId, next, "final", actorId, content);
  await recordAudit(trx, { actorId, action: "summary.finalize", entity: "summary", entityId: id, after: { version: next } }, at);
  return (await getSummaryVersion(trx, planId, next))!;
}
