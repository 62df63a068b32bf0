// The year-end summary (年度总结草稿): the data the writer reads, its stored versions, edits
// per section with a version check, restore, 定稿, and starting next year's plan from it.
//
// Storage: one `summaries` row per version. `content` is JSON (StoredSummary): the document,
// a revision number per section (the 409 check for concurrent edits of the same section),
// a note saying what made the version, and when it was last saved. An autosave by the same
// person within a few minutes updates their own latest draft instead of piling up versions.
import type { Transaction } from "kysely";
import type { AppDatabase } from "../../db/index";
import type { Database, Plan } from "../../db/schema";
import { parseSummary, toSummaryJson } from "../lib/importer";
import { aggregateActual } from "../lib/kpi";
import { computeLight } from "../lib/lights";
import { defaultPlanFor } from "../lib/plan-year";
import { draftPlan, matchWorkAreas, suggestUnits } from "../lib/plan-draft";
import { toPlainText } from "../lib/summary/text";
import {
  SECTION_KEYS,
  SECTION_LABELS,
  type SectionKey,
  type SummaryDocument,
  type SummaryInput,
  type SummaryMetric,
  type SummaryTask,
} from "../lib/summary/types";
import { writeSummary } from "../lib/summary/writer";
import { toDateKey } from "../lib/weeks";
import { conflict, notFound } from "../utils/http.server";
import { recordAudit } from "./audit.server";
import { commitImportIn, type MetricInput, type TaskInput } from "./import.server";
import { getOutline, outlineForWriter } from "./outline.server";
import { orderOutline, type OutlineItem } from "../lib/summary/outline";
import { periodOf } from "../lib/summary/style";
import { bumpChangeSeq, planThresholds } from "./tasks.server";

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

// ------------------------------------------------------------------ plans

export async function findPlanForSummary(db: Db, year: number | null): Promise<Plan | null> {
  if (year !== null) return (await db.selectFrom("plans").selectAll().where("year", "=", year).executeTakeFirst()) ?? null;
  // Without a year: the default plan (lib/plan-year.ts); a summary is written at the end of it.
  const plans = await db.selectFrom("plans").selectAll().orderBy("year", "desc").execute();
  return defaultPlanFor(plans, toDateKey(new Date()));
}

export async function listPlanYearsForSummary(db: Db): Promise<number[]> {
  const rows = await db.selectFrom("plans").select("year").orderBy("year", "desc").execute();
  return rows.map((r) => r.year);
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
    .select(["id", "code", "title", "category", "origin", "status", "progress", "start_date", "due_date", "done_at", "created_at"])
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
    const light = computeLight(
      {
        status: task.status,
        startDate: task.start_date,
        dueDate: task.due_date,
        progress: task.progress,
        lastUpdateWeek: lastWeekOf.get(task.id) ?? null,
        createdAt: task.created_at,
      },
      { today: asOf, planStart: `${plan.year}-01-01`, thresholds },
    );
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
      doneDate: task.done_at ? toDateKey(task.done_at) : null,
      silent: light.reasons.some((r) => r.includes("未填报")),
      leadUnit: units.find((u) => u.role === "lead")?.name ?? null,
      supportUnits: units.filter((u) => u.role === "support").map((u) => u.name),
    };
  });

  const metrics = await db.selectFrom("metrics").selectAll().where("plan_id", "=", plan.id).orderBy("sort_order").orderBy("id").execute();
  const values = metrics.length
    ? await db
        .selectFrom("metric_values")
        .select(["metric_id", "unit_id", "week", "value", "reported_at"])
        .where("metric_id", "in", metrics.map((m) => m.id))
        .execute()
    : [];
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

type SummaryRow = { id: number; plan_id: number; version: number; status: "draft" | "final"; content: string; author_id: number | null; created_at: string; author_name: string | null };

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
    .leftJoin("users", "users.id", "summaries.author_id")
    .select([
      "summaries.id",
      "summaries.plan_id",
      "summaries.version",
      "summaries.status",
      "summaries.content",
      "summaries.author_id",
      "summaries.created_at",
      "users.display_name as author_name",
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

async function insertVersion(
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

/** Writes a new version from the plan's data. `expectedVersion` is the latest the user saw (0: none). */
export async function generateSummary(
  db: AppDatabase,
  actorId: number,
  planId: number,
  expectedVersion: number | null,
  today: string = toDateKey(new Date()),
): Promise<SummaryVersion> {
  return db.transaction().execute(async (trx) => {
    const plan = await trx.selectFrom("plans").selectAll().where("id", "=", planId).executeTakeFirst();
    if (!plan) notFound("没有找到该年度计划。");
    const latest = await getLatestSummary(trx, planId);
    if (staleVersion(latest, expectedVersion)) conflict(STALE_MESSAGE);
    const { document } = writeSummary(await loadSummaryInput(trx, plan!, today));
    const now = new Date().toISOString();
    const content: StoredSummary = {
      format: 1,
      document,
      revs: allRevisions((key) => (latest?.content.revs[key] ?? 0) + 1),
      note: latest ? "根据最新数据重新生成" : "根据数据生成",
      savedAt: now,
    };
    const version = (latest?.version ?? 0) + 1;
    const id = await insertVersion(trx, planId, version, "draft", actorId, content);
    await recordAudit(trx, { actorId, action: "summary.generate", entity: "summary", entityId: id, after: { plan: plan!.year, version } });
    return (await getSummaryVersion(trx, planId, version))!;
  });
}

export interface SectionEdit {
  key: SectionKey;
  heading: string | null;
  body: string;
  /** The section's revision the editor started from. */
  baseRev: number;
}

export interface SectionConflict {
  key: SectionKey;
  rev: number;
  heading: string;
  body: string;
  authorName: string | null;
  savedAt: string;
}

export interface SaveResult {
  version: number;
  rev: number;
  savedAt: string;
  /** True when an earlier autosave of the same person's draft was updated in place. */
  coalesced: boolean;
}

/**
 * Saves one section. Someone else's save of the same section since `baseRev` is a 409 with
 * their text in the detail; saves of other sections merge (each version holds them all).
 */
export async function saveSummarySection(
  db: AppDatabase,
  actor: { id: number },
  planId: number,
  edit: SectionEdit,
  now: Date = new Date(),
): Promise<SaveResult> {
  return db.transaction().execute(async (trx) => {
    const latest = await getLatestSummary(trx, planId);
    if (!latest) notFound("该年度还没有总结草稿，请先生成。");
    const content = latest!.content;
    const current = content.document.sections.find((s) => s.key === edit.key);
    if (!current) notFound("没有找到这一部分，请刷新后再试。");
    if (content.revs[edit.key] !== edit.baseRev) {
      const detail: SectionConflict = {
        key: edit.key,
        rev: content.revs[edit.key],
        heading: current!.heading,
        body: current!.body,
        authorName: latest!.authorName,
        savedAt: content.savedAt,
      };
      conflict(`已被他人修改：“${SECTION_LABELS[edit.key]}”刚被${latest!.authorName ?? "其他人"}保存过。请对照下方的最新内容，合并后再保存。`, detail);
    }
    const heading = edit.heading ?? current!.heading;
    const unchanged = heading === current!.heading && edit.body === current!.body;
    if (unchanged) return { version: latest!.version, rev: content.revs[edit.key], savedAt: content.savedAt, coalesced: false };

    const savedAt = now.toISOString();
    const next: StoredSummary = {
      ...content,
      document: {
        ...content.document,
        sections: content.document.sections.map((s) => (s.key === edit.key ? { ...s, heading, body: edit.body } : s)),
      },
      revs: { ...content.revs, [edit.key]: content.revs[edit.key] + 1 },
      savedAt,
    };
    const note = `编辑：${SECTION_LABELS[edit.key]}`;
    const coalesce =
      latest!.status === "draft" &&
      latest!.authorId === actor.id &&
      content.note.startsWith("编辑") &&
      now.getTime() - new Date(content.savedAt).getTime() < AUTOSAVE_COALESCE_MS;
    let version = latest!.version;
    if (coalesce) {
      const notes = new Set([...content.note.replace(/^编辑：/, "").split("、"), SECTION_LABELS[edit.key]]);
      next.note = `编辑：${[...notes].join("、")}`;
      await trx.updateTable("summaries").set({ content: JSON.stringify(next) }).where("id", "=", latest!.id).execute();
    } else {
      next.note = note;
      version = latest!.version + 1;
      await insertVersion(trx, planId, version, "draft", actor.id, next);
    }
    await recordAudit(trx, {
      actorId: actor.id,
      action: "summary.edit",
      entity: "summary",
      entityId: `${planId}:${version}`,
      before: { section: edit.key, body: current!.body },
      after: { section: edit.key, body: edit.body },
    });
    return { version, rev: next.revs[edit.key], savedAt, coalesced: coalesce };
  });
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
      document: source!.content.document,
      revs: allRevisions((key) => latest!.content.revs[key] + 1),
      note: `恢复自版本${version}`,
      savedAt: new Date().toISOString(),
    };
    const id = await insertVersion(trx, planId, next, "draft", actorId, content);
    await recordAudit(trx, { actorId, action: "summary.restore", entity: "summary", entityId: id, after: { from: version, version: next } });
    return (await getSummaryVersion(trx, planId, next))!;
  });
}

/** 定稿: the latest text as a final version — what starting next year reads. */
export async function finalizeSummary(db: AppDatabase, actorId: number, planId: number, expectedLatest: number): Promise<SummaryVersion> {
  return db.transaction().execute(async (trx) => {
    const latest = await getLatestSummary(trx, planId);
    if (staleVersion(latest, expectedLatest)) conflict(STALE_MESSAGE);
    if (!latest) notFound("该年度还没有总结草稿，请先生成。");
    if (latest!.status === "final") conflict("当前版本已经定稿。");
    const next = latest!.version + 1;
    const content: StoredSummary = { ...latest!.content, note: "定稿", savedAt: new Date().toISOString() };
    const id = await insertVersion(trx, planId, next, "final", actorId, content);
    await recordAudit(trx, { actorId, action: "summary.finalize", entity: "summary", entityId: id, after: { version: next } });
    return (await getSummaryVersion(trx, planId, next))!;
  });
}

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
  outlineItems: { ref: string; category: string; kind: OutlineItem["kind"]; leadUnit: string | null; leadUser: string | null; dueDate: string; targets: number }[];
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
  const exists = Boolean(await db.selectFrom("plans").select("id").where("year", "=", nextYear).executeTakeFirst());
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
        return { ref: `四.${index + 1}`, title: item.title, carriedFrom: task ? { id: task.id, code: task.code, title: task.title } : null };
      })
    : (parsed?.plan ?? []).map((item) => {
        const task = taskNamedBy(item.text, open);
        if (task) named.add(task.id);
        return { ref: item.ref, title: item.title || item.text.slice(0, 60), carriedFrom: task ? { id: task.id, code: task.code, title: task.title } : null };
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
      unfinished: open.filter((t) => !named.has(t.id)).map((t) => ({ id: t.id, code: t.code, title: t.title, status: t.status, progress: t.progress })),
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
  return db.transaction().execute(async (trx) => {
    const { preview, text, final, outline } = await nextYearBasis(trx, planId);
    if (preview.blocked) conflict(preview.blocked);
    const oldPlan = (await trx.selectFrom("plans").selectAll().where("id", "=", planId).executeTakeFirst())!;
    const input = await loadSummaryInput(trx, oldPlan);
    const parsed = parseSummary(text);
    const draft = draftPlan(parsed);
    const units = await trx.selectFrom("units").select(["id", "name", "kind"]).where("active", "=", 1).execute();
    const now = new Date().toISOString();
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
    await recordAudit(trx, { actorId, action: "plan.create", entity: "plan", entityId: plan.id, after: { year: nextYear, from: oldPlan.year } });

    const oldTasks = await trx.selectFrom("tasks").selectAll().where("plan_id", "=", planId).execute();
    const oldUnits = await trx.selectFrom("task_units").selectAll().where("task_id", "in", oldTasks.length ? oldTasks.map((t) => t.id) : [0]).execute();
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
          sourceSentence: t.metricId !== null ? sourceOf.get(t.metricId)?.sourceSentence ?? null : null,
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
      await trx.updateTable("tasks").set({ carried_to_task_id: result.taskIds[index], updated_at: now, version: old.version + 1 }).where("id", "=", old.id).execute();
      await recordAudit(trx, { actorId, action: "task.carry", entity: "task", entityId: old.id, before: { status: old.status }, after: { carried_to: result.taskIds[index] } });
      carriedCount++;
    }
    if (carriedCount) await bumpChangeSeq(trx, oldPlan.id);
    await recordAudit(trx, {
      actorId,
      action: "summary.start_next_year",
      entity: "plan",
      entityId: plan.id,
      after: { from: oldPlan.year, year: nextYear, summaryVersion: final!.version, tasks: result.taskIds.length, metrics: result.metricCount },
    });
    return { planId: plan.id, year: nextYear, taskIds: result.taskIds, metricCount: result.metricCount };
  });
}
