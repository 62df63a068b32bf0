// Tasks on the board: reading cards (with 督办灯 and metric bars), creating, editing, deleting
// and moving them. Every write is one transaction with its audit_log row and a bump of the
// plan's change counter (plans.change_seq), which the board's poll compares.
import { sql, type ExpressionBuilder, type Kysely, type Transaction } from "kysely";
import type { AppDatabase } from "../../db/index";
import type { Database, Plan, TaskStatus } from "../../db/schema";
import {
  classifyMove,
  COLUMN_LIMIT,
  limitColumns,
  matchesFilters,
  moveProblem,
  type BoardCard,
  type BoardFilters,
  type CardMetric,
  type MoveKind,
  type NamedRef,
  type TaskOrigin,
  STATUS_LABELS,
  ORIGIN_LABELS,
} from "../lib/board";
import { percentOfTarget } from "../lib/kpi";
import { actualFromTotals, type MetricTotals } from "../lib/kpi-report";
import { choosePlan } from "../lib/plan-year";
import { computeLight, DEFAULT_LIGHT_THRESHOLDS, validateThresholds, type Light, type LightThresholds } from "../lib/lights";
import { positionAtBottom, positionAtTop, positionBetween } from "../lib/positions";
import { describeChanges, type FieldChange, type MetricSnapshot, type TaskSnapshot } from "../lib/task-changes";
import { formatDate, formatDateTime, toDateKey } from "../lib/weeks";
import { editableOf, mergeEdit, MERGE_LABELS, type EditableTask, type MergeKey, type Resolution } from "../lib/task-merge";
import type { Actor } from "../utils/permissions";
import { badRequest, conflict, forbidden, notFound } from "../utils/http.server";
import { recordAudit } from "./audit.server";
import { metricTotalsQuery } from "./kpi.server";
import type { MetricRowInput } from "./task-forms.server";

type Db = Kysely<Database> | Transaction<Database>;

// ---------------------------------------------------------------- plans

export interface BoardPlan {
  id: number;
  year: number;
  title: string;
  status: Plan["status"];
  version: number;
  changeSeq: number;
  thresholds: LightThresholds;
}

/** Stored thresholds, checked again on read; anything broken falls back to the defaults. */
export function planThresholds(stored: string | null): LightThresholds {
  if (!stored) return DEFAULT_LIGHT_THRESHOLDS;
  try {
    const result = validateThresholds(JSON.parse(stored));
    return result.ok ? result.thresholds : DEFAULT_LIGHT_THRESHOLDS;
  } catch {
    return DEFAULT_LIGHT_THRESHOLDS;
  }
}

function toBoardPlan(plan: Plan): BoardPlan {
  return {
    id: plan.id,
    year: plan.year,
    title: plan.title,
    status: plan.status,
    version: plan.version,
    changeSeq: plan.change_seq,
    thresholds: planThresholds(plan.light_thresholds),
  };
}

export async function listPlanYears(db: AppDatabase): Promise<{ id: number; year: number; status: Plan["status"] }[]> {
  return db.selectFrom("plans").select(["id", "year", "status"]).orderBy("year", "desc").execute();
}

/** The plan a board shows: the year asked for, else the default plan (lib/plan-year.ts). */
export async function findBoardPlan(db: AppDatabase, year: number | null, today: string): Promise<BoardPlan | null> {
  return (await findBoardPlanAndYears(db, year, today)).plan;
}

/** findBoardPlan and listPlanYears from one read of the plans table (the board page needs both). */
export async function findBoardPlanAndYears(
  db: AppDatabase,
  year: number | null,
  today: string,
): Promise<{ plan: BoardPlan | null; years: { id: number; year: number; status: Plan["status"] }[] }> {
  const plans = await db.selectFrom("plans").selectAll().orderBy("year", "desc").execute();
  return { plan: pickBoardPlan(plans, year, today), years: plans.map((p) => ({ id: p.id, year: p.year, status: p.status })) };
}

function pickBoardPlan(plans: Plan[], year: number | null, today: string): BoardPlan | null {
  const plan = choosePlan(plans, year, today);
  return plan ? toBoardPlan(plan) : null;
}

export async function getBoardPlan(db: AppDatabase, planId: number): Promise<BoardPlan | null> {
  const plan = await db.selectFrom("plans").selectAll().where("id", "=", planId).executeTakeFirst();
  return plan ? toBoardPlan(plan) : null;
}

/** The plan's change counter: the poll endpoint's whole answer. */
export async function getChangeSeq(db: AppDatabase, planId: number): Promise<number | null> {
  const row = await db.selectFrom("plans").select("change_seq").where("id", "=", planId).executeTakeFirst();
  return row ? row.change_seq : null;
}

/**
 * Call in the same transaction as any write that changes what the plan's board shows
 * (tasks, their units and metrics, updates, metric values). Returns the counter before and after.
 */
export async function bumpChangeSeq(trx: Db, planId: number): Promise<{ before: number; after: number }> {
  const row = await trx
    .updateTable("plans")
    .set((eb) => ({ change_seq: eb("change_seq", "+", 1) }))
    .where("id", "=", planId)
    .returning("change_seq")
    .executeTakeFirstOrThrow();
  return { before: row.change_seq - 1, after: row.change_seq };
}

export async function setPlanThresholds(
  db: AppDatabase,
  actorId: number,
  planId: number,
  version: number,
  thresholds: LightThresholds,
): Promise<void> {
  const now = new Date().toISOString();
  await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom("plans").selectAll().where("id", "=", planId).executeTakeFirst();
    if (!before) notFound("没有找到该年度计划。");
    if (before!.version !== version) {
      conflict("已被他人修改：督办灯规则刚被其他人更新，请查看最新设置后再保存。", {
        current: planThresholds(before!.light_thresholds),
      });
    }
    await trx
      .updateTable("plans")
      .set({ light_thresholds: JSON.stringify(thresholds), version: version + 1, updated_at: now })
      .where("id", "=", planId)
      .execute();
    await bumpChangeSeq(trx, planId);
    await recordAudit(trx, {
      actorId,
      action: "plan.thresholds",
      entity: "plan",
      entityId: planId,
      before: planThresholds(before!.light_thresholds),
      after: thresholds,
    });
  });
}

// ---------------------------------------------------------------- reading cards

interface CardInputs {
  planYear: number;
  thresholds: LightThresholds;
  today: string;
}

type TaskRow = Awaited<ReturnType<typeof selectTasks>>[number];

const TASK_COLUMNS = [
  "tasks.id",
  "tasks.plan_id",
  "tasks.code",
  "tasks.title",
  "tasks.description",
  "tasks.category",
  "tasks.origin",
  "tasks.origin_ref",
  "tasks.source_excerpt",
  "tasks.status",
  "tasks.position",
  "tasks.start_date",
  "tasks.due_date",
  "tasks.progress",
  "tasks.done_at",
  "tasks.created_at",
  "tasks.updated_at",
  "tasks.version",
  "tasks.lead_user_id",
  "users.display_name as lead_user_name",
] as const;

function selectTasks(db: Db, planId: number, taskIds?: readonly number[]) {
  let query = db
    .selectFrom("tasks")
    .leftJoin("users", "users.id", "tasks.lead_user_id")
    .select(TASK_COLUMNS)
    .where("tasks.plan_id", "=", planId);
  if (taskIds) query = query.where("tasks.id", "in", taskIds.length ? taskIds : [-1]);
  return query.execute();
}

/**
 * Each task's latest 填报 (of the plan, or of the given tasks): the rows of each task's latest
 * week. Several units may report the same week; the one saved last wins (see loadLatestUpdates).
 * The benchmark's framework-free baseline runs this same statement.
 */
export function latestUpdatesQuery(db: Db, planId: number, taskIds?: readonly number[] | null) {
  return db
    .selectFrom("updates as u")
    .innerJoin(
      (eb) =>
        eb
          .selectFrom("updates as u2")
          .select((inner) => ["u2.task_id", inner.fn.max("u2.week").as("week")])
          .where("u2.task_id", "in", (sub) =>
            sub
              .selectFrom("tasks")
              .select("tasks.id")
              .where("tasks.plan_id", "=", planId)
              .$if(taskIds != null, (qb) => qb.where("tasks.id", "in", taskIds!.length ? [...taskIds!] : [-1])),
          )
          .groupBy("u2.task_id")
          .as("last"),
      (join) => join.onRef("last.task_id", "=", "u.task_id").onRef("last.week", "=", "u.week"),
    )
    .select(["u.task_id", "u.week", "u.progress", "u.updated_at"])
    .orderBy("u.id");
}

/**
 * The task metrics of the plan (or of the given tasks) in card order, each with the totals of
 * its actual (metricTotalsQuery: null columns when nothing was reported). The benchmark's
 * baseline runs this same statement.
 */
export function cardMetricsQuery(db: Db, planId: number, taskIds?: readonly number[] | null) {
  return db
    .selectFrom("metrics")
    .leftJoin(metricTotalsQuery(db, planId, taskIds).as("totals"), "totals.metric_id", "metrics.id")
    .select(["metrics.id", "metrics.task_id", "metrics.name", "metrics.unit", "metrics.baseline", "metrics.target", "metrics.direction", "metrics.aggregation"])
    .select(["totals.amount", "totals.latest_sum", "totals.unit_count"])
    .where("metrics.plan_id", "=", planId)
    .where("metrics.task_id", "is not", null)
    .$if(taskIds != null, (qb) => qb.where("metrics.task_id", "in", taskIds!.length ? [...taskIds!] : [-1]))
    .orderBy("metrics.sort_order")
    .orderBy("metrics.id");
}

/** Picks each task's latest 填报 from latestUpdatesQuery's rows: the one saved last (first on a tie). */
export function pickLatestUpdates<T extends { task_id: number; updated_at: string }>(rows: readonly T[]): Map<number, T> {
  const latest = new Map<number, T>();
  for (const row of rows) {
    const current = latest.get(row.task_id);
    if (!current || row.updated_at > current.updated_at) latest.set(row.task_id, row);
  }
  return latest;
}

async function loadLatestUpdates(db: Db, planId: number, taskIds?: readonly number[] | null) {
  return pickLatestUpdates(await latestUpdatesQuery(db, planId, taskIds).execute());
}

/** Builds cards for the plan's tasks (all, or the given ids) in a handful of queries. */
/**
 * One card (e.g. the answer to a move) in one statement instead of three: the task, a row per
 * unit, and its latest 填报 (latest week, then latest save, then first saved: pickLatestUpdates'
 * rule) as two scalar subqueries over the same ordering.
 */
async function selectOneCardRows(db: Db, planId: number, taskId: number) {
  const latest = (eb: ExpressionBuilder<Database, "tasks">) =>
    eb
      .selectFrom("updates")
      .whereRef("updates.task_id", "=", "tasks.id")
      .orderBy("updates.week", "desc")
      .orderBy("updates.updated_at", "desc")
      .orderBy("updates.id")
      .limit(1);
  const rows = await db
    .selectFrom("tasks")
    .leftJoin("users", "users.id", "tasks.lead_user_id")
    .leftJoin("task_units", "task_units.task_id", "tasks.id")
    .leftJoin("units", "units.id", "task_units.unit_id")
    .select(TASK_COLUMNS)
    .select(["task_units.unit_id", "task_units.role", "units.name", "units.sort_order"])
    .select((eb) => [latest(eb).select("updates.week").as("latest_week"), latest(eb).select("updates.progress").as("latest_progress")])
    .where("tasks.plan_id", "=", planId)
    .where("tasks.id", "=", taskId)
    .orderBy("units.sort_order")
    .orderBy("units.id")
    .execute();
  if (rows.length === 0) return { tasks: [], units: new Map(), latestUpdates: new Map() };
  const { unit_id: _u, role: _r, name: _n, sort_order: _s, latest_week, latest_progress, ...task } = rows[0];
  const units = rows
    .filter((r) => r.unit_id != null && r.role != null)
    .map((r) => ({ task_id: taskId, unit_id: r.unit_id!, role: r.role!, name: r.name!, sort_order: r.sort_order! }));
  const latestUpdates = new Map<number, { week: string; progress: number }>();
  if (latest_week != null && latest_progress != null) latestUpdates.set(taskId, { week: latest_week, progress: latest_progress });
  return { tasks: [task as TaskRow], units: new Map([[taskId, units]]), latestUpdates };
}

async function buildCards(db: Db, planId: number, inputs: CardInputs, taskIds?: readonly number[]): Promise<BoardCard[]> {
  const ids = taskIds ?? null;
  const byTask = <T extends { task_id: number }>(rows: T[]) => {
    const map = new Map<number, T[]>();
    for (const row of rows) map.set(row.task_id, [...(map.get(row.task_id) ?? []), row]);
    return map;
  };
  const idList = ids && ids.length ? [...ids] : [-1];

  let tasks: TaskRow[];
  let units: Map<number, { task_id: number; unit_id: number; role: "lead" | "support"; name: string; sort_order: number }[]>;
  // The latest 填报 per task: its progress is the task's progress, its week the last update week.
  let latestUpdates: Map<number, { week: string; progress: number }>;
  if (ids?.length === 1) {
    ({ tasks, units, latestUpdates } = await selectOneCardRows(db, planId, ids[0]));
    if (tasks.length === 0) return [];
  } else {
    tasks = await selectTasks(db, planId, taskIds);
    if (tasks.length === 0) return [];
    units = byTask(
      await db
        .selectFrom("task_units")
        .innerJoin("units", "units.id", "task_units.unit_id")
        .innerJoin("tasks", "tasks.id", "task_units.task_id")
        .select(["task_units.task_id", "task_units.unit_id", "task_units.role", "units.name", "units.sort_order"])
        .where("tasks.plan_id", "=", planId)
        .$if(ids != null, (qb) => qb.where("task_units.task_id", "in", idList))
        .orderBy("units.sort_order")
        .orderBy("units.id")
        .execute(),
    );
    latestUpdates = await loadLatestUpdates(db, planId, ids);
  }

  // Each metric with its actual's totals, aggregated in SQL (never the values themselves).
  const metrics = byTask(
    (
      await cardMetricsQuery(db, planId, ids).execute()
    ).map((m) => ({ ...m, task_id: m.task_id! })),
  );

  const planStart = `${inputs.planYear}-01-01`;
  return tasks.map((task) => {
    const taskUnits = units.get(task.id) ?? [];
    const lead = taskUnits.find((u) => u.role === "lead");
    const latest = latestUpdates.get(task.id);
    const progress = latest ? latest.progress : task.progress;
    const lastUpdateWeek = latest ? latest.week : null;
    const light = computeLight(
      {
        status: task.status,
        startDate: task.start_date,
        dueDate: task.due_date,
        progress,
        lastUpdateWeek,
        createdAt: task.created_at,
      },
      { today: inputs.today, planStart, thresholds: inputs.thresholds },
    );
    const cardMetrics: CardMetric[] = (metrics.get(task.id) ?? []).map((m) => {
      const metric = { direction: m.direction, aggregation: m.aggregation, unit: m.unit, baseline: m.baseline, target: m.target };
      const totals: MetricTotals | null =
        m.unit_count != null ? { amount: Number(m.amount), latestSum: Number(m.latest_sum), unitCount: Number(m.unit_count) } : null;
      const actual = actualFromTotals(metric, totals);
      return { id: m.id, name: m.name, unit: m.unit, target: m.target, actual, percent: percentOfTarget(metric, actual), direction: m.direction };
    });
    return {
      id: task.id,
      code: task.code,
      title: task.title,
      origin: task.origin as TaskOrigin,
      originRef: task.origin_ref,
      category: task.category,
      status: task.status,
      position: task.position,
      version: task.version,
      leadUnit: lead ? { id: lead.unit_id, name: lead.name } : null,
      supportUnits: taskUnits.filter((u) => u.role === "support").map((u) => ({ id: u.unit_id, name: u.name })),
      leadUser: task.lead_user_id != null ? { id: task.lead_user_id, name: task.lead_user_name ?? "" } : null,
      startDate: task.start_date,
      dueDate: task.due_date,
      progress,
      lastUpdateWeek,
      light,
      metrics: cardMetrics,
    };
  });
}

export interface BoardOptions {
  units: NamedRef[];
  leaders: NamedRef[];
  categories: string[];
}

export interface BoardData {
  cards: BoardCard[];
  /** Cards in the plan before filtering. */
  total: number;
  /** Cards that match the filters but are left out by the per-column limit. */
  hidden: Record<TaskStatus, number>;
  /** Light counts over every matching card, shown or not. */
  lights: Record<Light, number>;
  options: BoardOptions;
}

/** The whole board of a plan: cards in position order, filtered, plus the filter choices. */
export async function listBoard(
  db: AppDatabase,
  plan: BoardPlan,
  { filters, today, limit = filters.all ? Infinity : COLUMN_LIMIT }: { filters: BoardFilters; today: string; limit?: number },
): Promise<BoardData> {
  const all = await buildCards(db, plan.id, { planYear: plan.year, thresholds: plan.thresholds, today });
  const units = await db.selectFrom("units").select(["id", "name"]).where("active", "=", 1).orderBy("sort_order").orderBy("id").execute();
  const leaders = await listLeaders(db);
  const categories = [...new Set(all.map((c) => c.category).filter(Boolean))].sort((a, b) => a.localeCompare(b, "zh-CN"));
  const matching = all.filter((card) => matchesFilters(card, filters));
  const lights: Record<Light, number> = { green: 0, yellow: 0, red: 0, done: 0, upcoming: 0 };
  for (const card of matching) lights[card.light.light] += 1;
  const { cards, hidden } = limitColumns(matching, limit);
  return { cards, total: all.length, hidden, lights, options: { units, leaders, categories } };
}

const boardLoadsInFlight = new Map<string, Promise<BoardData>>();

/**
 * `listBoard`, with identical board requests that arrive while one is being computed sharing
 * its result (a meeting where everyone opens the board at once; the 投屏 view's refresh).
 * Nothing is kept afterwards. The key holds the plan's change counter as this request read it,
 * which every write to the plan's tasks, updates and metric values bumps, so a request made
 * after a write never joins a computation from before it.
 */
export function listBoardShared(
  db: AppDatabase,
  plan: BoardPlan,
  options: { filters: BoardFilters; today: string },
): Promise<BoardData> {
  const key = JSON.stringify([plan.id, plan.changeSeq, plan.version, plan.thresholds, options.today, options.filters]);
  let pending = boardLoadsInFlight.get(key);
  if (!pending) {
    pending = listBoard(db, plan, options).finally(() => boardLoadsInFlight.delete(key));
    boardLoadsInFlight.set(key, pending);
  }
  return pending;
}

/** One card as the board shows it (after a move, the action returns just this). */
export async function getBoardCard(db: Db, plan: Pick<BoardPlan, "id" | "year" | "thresholds">, taskId: number, today: string): Promise<BoardCard | null> {
  const [card] = await buildCards(db, plan.id, { planYear: plan.year, thresholds: plan.thresholds, today }, [taskId]);
  return card ?? null;
}

/** 责任领导 candidates: active leaders (admins too, as some offices' director is the admin). */
export async function listLeaders(db: AppDatabase): Promise<NamedRef[]> {
  return db
    .selectFrom("users")
    .select(["id", "display_name as name"])
    .where("disabled", "=", 0)
    .where("role", "in", ["leader", "admin"])
    .orderBy("role", "desc")
    .orderBy("display_name")
    .execute();
}

// ---------------------------------------------------------------- one task in full

async function taskSnapshot(db: Db, taskId: number): Promise<TaskSnapshot | null> {
  const task = await db
    .selectFrom("tasks")
    .leftJoin("users", "users.id", "tasks.lead_user_id")
    .selectAll("tasks")
    .select("users.display_name as lead_user_name")
    .where("tasks.id", "=", taskId)
    .executeTakeFirst();
  if (!task) return null;
  const units = await db
    .selectFrom("task_units")
    .innerJoin("units", "units.id", "task_units.unit_id")
    .select(["task_units.unit_id as id", "units.name", "task_units.role"])
    .where("task_units.task_id", "=", taskId)
    .orderBy("units.sort_order")
    .orderBy("units.id")
    .execute();
  const metrics = await db
    .selectFrom("metrics")
    .select(["id", "name", "unit", "baseline", "target", "direction", "aggregation"])
    .where("task_id", "=", taskId)
    .orderBy("sort_order")
    .orderBy("id")
    .execute();
  const lead = units.find((u) => u.role === "lead");
  return {
    code: task.code,
    title: task.title,
    description: task.description,
    category: task.category,
    origin: task.origin as TaskOrigin,
    originRef: task.origin_ref,
    status: task.status,
    position: task.position,
    leadUser: task.lead_user_id != null ? { id: task.lead_user_id, name: task.lead_user_name ?? "" } : null,
    leadUnit: lead ? { id: lead.id, name: lead.name } : null,
    supportUnits: units.filter((u) => u.role === "support").map((u) => ({ id: u.id, name: u.name })),
    startDate: task.start_date,
    dueDate: task.due_date,
    version: task.version,
    metrics: metrics as MetricSnapshot[],
  };
}

export interface HistoryEntry {
  id: number;
  at: string;
  actor: string | null;
  action: string;
  /** For moves: from and to status, and the reason or note. */
  from?: TaskStatus;
  to?: TaskStatus;
  reason?: string;
  changes?: FieldChange[];
}

export interface TaskDetail {
  plan: BoardPlan;
  card: BoardCard;
  snapshot: TaskSnapshot;
  sourceExcerpt: string | null;
  doneAt: string | null;
  createdAt: string;
  metrics: (MetricSnapshot & { actual: number | null; percent: number | null })[];
  history: HistoryEntry[];
  updates: { id: number; week: string; unit: string; author: string; body: string; progress: number; blockers: string; nextSteps: string }[];
}

function parseJson<T>(text: string | null): T | null {
  if (!text) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

interface MoveAudit {
  from: TaskStatus;
  to: TaskStatus;
  reason?: string;
}

export async function getTaskDetail(db: AppDatabase, taskId: number, today: string): Promise<TaskDetail | null> {
  const row = await db.selectFrom("tasks").select(["plan_id", "source_excerpt", "done_at", "created_at"]).where("id", "=", taskId).executeTakeFirst();
  if (!row) return null;
  const plan = (await getBoardPlan(db, row.plan_id))!;
  const card = await getBoardCard(db, plan, taskId, today);
  const snapshot = await taskSnapshot(db, taskId);
  if (!card || !snapshot) return null;

  const audit = await db
    .selectFrom("audit_log")
    .leftJoin("users", "users.id", "audit_log.actor_id")
    .select(["audit_log.id", "audit_log.action", "audit_log.before_json", "audit_log.after_json", "audit_log.created_at", "users.display_name"])
    .where("audit_log.entity", "=", "task")
    .where("audit_log.entity_id", "=", String(taskId))
    .orderBy("audit_log.created_at", "desc")
    .orderBy("audit_log.id", "desc")
    .limit(200)
    .execute();
  const history: HistoryEntry[] = audit.map((entry) => {
    const base = { id: entry.id, at: entry.created_at, actor: entry.display_name ?? null, action: entry.action };
    if (entry.action === "task.update") {
      const before = parseJson<TaskSnapshot>(entry.before_json);
      const after = parseJson<TaskSnapshot>(entry.after_json);
      return { ...base, changes: before && after ? describeChanges(before, after) : [] };
    }
    const move = parseJson<MoveAudit>(entry.after_json);
    if (entry.action.startsWith("task.") && move?.from && move?.to) {
      return { ...base, from: move.from, to: move.to, reason: move.reason || undefined };
    }
    return base;
  });

  // The card's actuals (aggregated in SQL, like the board's bars).
  const actuals = new Map(card.metrics.map((m) => [m.id, m]));
  const metrics = snapshot.metrics.map((m) => {
    const actual = actuals.get(m.id)?.actual ?? null;
    return { ...m, actual, percent: percentOfTarget(m, actual) };
  });

  const updates = await db
    .selectFrom("updates")
    .innerJoin("units", "units.id", "updates.unit_id")
    .innerJoin("users", "users.id", "updates.author_id")
    .select([
      "updates.id",
      "updates.week",
      "units.name as unit",
      "users.display_name as author",
      "updates.body",
      "updates.progress",
      "updates.blockers",
      "updates.next_steps as nextSteps",
    ])
    .where("updates.task_id", "=", taskId)
    .orderBy("updates.week", "desc")
    .orderBy("units.sort_order")
    .limit(50)
    .execute();

  return {
    plan,
    card,
    snapshot,
    sourceExcerpt: row.source_excerpt,
    doneAt: row.done_at,
    createdAt: row.created_at,
    metrics,
    history,
    updates,
  };
}

// ---------------------------------------------------------------- writes

export interface TaskFields {
  title: string;
  description: string;
  category: string;
  origin: TaskOrigin;
  originRef: string | null;
  leadUserId: number | null;
  leadUnitId: number | null;
  supportUnitIds: number[];
  startDate: string | null;
  dueDate: string | null;
}

/** References must exist: a forged id is a 400, not a foreign-key crash. */
async function checkReferences(trx: Db, fields: Pick<TaskFields, "leadUserId" | "leadUnitId" | "supportUnitIds">) {
  if (fields.leadUserId != null) {
    const leader = await trx
      .selectFrom("users")
      .select("id")
      .where("id", "=", fields.leadUserId)
      .where("role", "in", ["leader", "admin"])
      .executeTakeFirst();
    if (!leader) badRequest("所选责任领导不存在或不是街道领导，请重新选择。");
  }
  const unitIds = [...(fields.leadUnitId != null ? [fields.leadUnitId] : []), ...fields.supportUnitIds];
  if (unitIds.length > 0) {
    const found = await trx.selectFrom("units").select("id").where("id", "in", unitIds).execute();
    if (found.length !== new Set(unitIds).size) badRequest("所选单位不存在，请刷新页面后重新选择。");
  }
}

async function writeTaskUnits(trx: Db, taskId: number, leadUnitId: number | null, supportUnitIds: readonly number[]) {
  await trx.deleteFrom("task_units").where("task_id", "=", taskId).execute();
  const rows = [
    ...(leadUnitId != null ? [{ task_id: taskId, unit_id: leadUnitId, role: "lead" as const }] : []),
    ...supportUnitIds.filter((id) => id !== leadUnitId).map((id) => ({ task_id: taskId, unit_id: id, role: "support" as const })),
  ];
  if (rows.length > 0) await trx.insertInto("task_units").values(rows).execute();
}

/** The next code of the plan: "2025-07" (year, two-digit sequence; more digits past 99). */
async function nextTaskCode(trx: Db, planId: number, year: number): Promise<string> {
  const codes = await trx.selectFrom("tasks").select("code").where("plan_id", "=", planId).execute();
  const pattern = new RegExp(`^${year}-(\\d+)$`);
  const highest = codes.reduce((max, { code }) => {
    const match = pattern.exec(code);
    return match ? Math.max(max, Number(match[1])) : max;
  }, 0);
  return `${year}-${String(highest + 1).padStart(2, "0")}`;
}

export interface NewTaskInput extends Partial<TaskFields> {
  planId: number;
  title: string;
  status?: TaskStatus;
  metrics?: Omit<MetricRowInput, "id">[];
}

export async function createTask(db: AppDatabase, actor: Actor, input: NewTaskInput): Promise<{ id: number; code: string }> {
  const now = new Date().toISOString();
  const status = input.status ?? "not_started";
  return db.transaction().execute(async (trx) => {
    const plan = await trx.selectFrom("plans").select(["id", "year", "status"]).where("id", "=", input.planId).executeTakeFirst();
    if (!plan) notFound("没有找到该年度计划。");
    if (plan!.status === "archived") badRequest("该年度计划已归档，不能再添加重点工作。");
    await checkReferences(trx, { leadUserId: input.leadUserId ?? null, leadUnitId: input.leadUnitId ?? null, supportUnitIds: input.supportUnitIds ?? [] });
    const first = await trx
      .selectFrom("tasks")
      .select("position")
      .where("plan_id", "=", input.planId)
      .where("status", "=", status)
      .orderBy("position")
      .limit(1)
      .executeTakeFirst();
    const code = await nextTaskCode(trx, input.planId, plan!.year);
    const task = await trx
      .insertInto("tasks")
      .values({
        plan_id: input.planId,
        code,
        title: input.title,
        description: input.description ?? "",
        category: input.category ?? "",
        origin: input.origin ?? "manual",
        origin_ref: input.originRef ?? null,
        lead_user_id: input.leadUserId ?? null,
        status,
        position: positionAtTop(first?.position ?? null),
        start_date: input.startDate ?? null,
        due_date: input.dueDate ?? null,
        done_at: status === "done" ? now : null,
        created_by: actor.id,
        created_at: now,
        updated_at: now,
      })
      .returning(["id", "code"])
      .executeTakeFirstOrThrow();
    await writeTaskUnits(trx, task.id, input.leadUnitId ?? null, input.supportUnitIds ?? []);
    for (const [index, metric] of (input.metrics ?? []).entries()) {
      await trx
        .insertInto("metrics")
        .values({ ...metricColumns(metric), plan_id: input.planId, task_id: task.id, sort_order: index, created_at: now, updated_at: now })
        .execute();
    }
    await bumpChangeSeq(trx, input.planId);
    await recordAudit(trx, { actorId: actor.id, action: "task.create", entity: "task", entityId: task.id, after: await taskSnapshot(trx, task.id) });
    return task;
  });
}

function metricColumns(metric: Omit<MetricRowInput, "id">) {
  return {
    name: metric.name,
    unit: metric.unit,
    baseline: metric.baseline,
    target: metric.target,
    direction: metric.direction,
    aggregation: metric.aggregation,
  };
}

/** The snapshot the user saw: the state the audit log recorded for that version. */
async function snapshotAtVersion(trx: Db, taskId: number, version: number): Promise<TaskSnapshot | null> {
  const rows = await trx
    .selectFrom("audit_log")
    .select(["after_json"])
    .where("entity", "=", "task")
    .where("entity_id", "=", String(taskId))
    .orderBy("id", "desc")
    .execute();
  for (const row of rows) {
    const after = parseJson<Partial<TaskSnapshot>>(row.after_json);
    // Only snapshots written by this module (imports record their own shape).
    if (after?.version === version && Array.isArray(after.supportUnits) && Array.isArray(after.metrics)) return after as TaskSnapshot;
  }
  return null;
}

export interface ConflictDetail {
  /** What others changed since the version the user was editing. */
  changes: FieldChange[];
  currentVersion: number;
}

async function refuseStale(trx: Db, taskId: number, version: number, current: TaskSnapshot): Promise<never> {
  const seen = await snapshotAtVersion(trx, taskId, version);
  const detail: ConflictDetail = { changes: seen ? describeChanges(seen, current) : [], currentVersion: current.version };
  return conflict("已被他人修改：在您编辑期间，这项重点工作被其他人更新了。请查看下面的改动，确认后重新保存。", detail);
}

export interface TaskEditInput {
  task: TaskFields;
  metrics: MetricRowInput[];
  deletedMetricIds: number[];
}

export interface EditOptions {
  /** The version shown with a previous conflict: its resolutions hold only while it is current. */
  seenVersion?: number | null;
  resolutions?: Partial<Record<MergeKey, Resolution>>;
}

export interface EditConflictField {
  key: MergeKey;
  field: string;
  before: string;
  theirs: string;
  mine: string;
}

export interface EditConflictDetail {
  fields: EditConflictField[];
  currentVersion: number;
  /** Fields others changed that are kept whichever way the conflict is settled. */
  merged: string[];
}

/** The snapshot a form was drawn from: the last full one recorded at or before that version (moves leave fields alone). */
async function snapshotAtOrBefore(trx: Db, taskId: number, version: number): Promise<TaskSnapshot | null> {
  const rows = await trx
    .selectFrom("audit_log")
    .select(["after_json"])
    .where("entity", "=", "task")
    .where("entity_id", "=", String(taskId))
    .orderBy("id", "desc")
    .execute();
  for (const row of rows) {
    const after = parseJson<Partial<TaskSnapshot>>(row.after_json);
    if (typeof after?.version !== "number" || after.version > version) continue;
    if (Array.isArray(after.supportUnits) && Array.isArray(after.metrics)) return after as TaskSnapshot;
    // A version written by something else than this module (an import): the base is unknown.
    if (!("to" in after)) return null;
  }
  return null;
}

/** One field as a person reads it, for the side-by-side conflict list. */
async function fieldText(trx: Db, task: EditableTask, key: MergeKey): Promise<string> {
  const empty = "（空）";
  const userName = async (id: number | null) =>
    id == null ? empty : ((await trx.selectFrom("users").select("display_name").where("id", "=", id).executeTakeFirst())?.display_name ?? empty);
  const unitNames = async (ids: number[]) =>
    ids.length === 0
      ? empty
      : (await trx.selectFrom("units").select("name").where("id", "in", ids).orderBy("sort_order").orderBy("id").execute()).map((u) => u.name).join("、");
  switch (key) {
    case "leadUserId":
      return userName(task.leadUserId);
    case "leadUnitId":
      return unitNames(task.leadUnitId == null ? [] : [task.leadUnitId]);
    case "supportUnitIds":
      return unitNames(task.supportUnitIds);
    case "origin":
      return ORIGIN_LABELS[task.origin];
    case "startDate":
    case "dueDate":
      return task[key] ? formatDate(task[key]!) : empty;
    case "metrics":
      return task.metrics.length === 0 ? empty : task.metrics.map((m) => `${m.name}（目标${m.target ?? "未设"}${m.unit}）`).join("；");
    default:
      return (task[key] as string | null) || empty;
  }
}

export interface EditOutcome {
  /** Labels of fields others changed meanwhile that were kept ("已合并他人同时所做的修改：…"). */
  merged: string[];
  changed: boolean;
}

/**
 * Saves an edit made from `version`, merged field by field with what others saved since
 * (see mergeEdit). Only fields both changed differently are refused with 409, listed side by
 * side; a save that changes nothing writes nothing and never conflicts.
 */
export async function updateTask(
  db: AppDatabase,
  actor: Actor,
  taskId: number,
  version: number,
  input: TaskEditInput,
  options: EditOptions = {},
): Promise<EditOutcome> {
  const now = new Date().toISOString();
  return db.transaction().execute(async (trx) => {
    const current = await trx.selectFrom("tasks").select(["id", "plan_id", "version"]).where("id", "=", taskId).executeTakeFirst();
    if (!current) notFound("没有找到这项重点工作，它可能已被删除。");
    const before = (await taskSnapshot(trx, taskId))!;
    if (version > current!.version) badRequest("版本号无效，请刷新页面后重试。");
    const base = version === current!.version ? before : await snapshotAtOrBefore(trx, taskId, version);
    const mine: EditableTask = { ...input.task, originRef: input.task.originRef, metrics: input.metrics };
    const resolutions = options.seenVersion === current!.version ? (options.resolutions ?? {}) : {};
    const merge = mergeEdit(base ? editableOf(base) : null, editableOf(before), mine, resolutions);
    const merged = merge.theirs.map((key) => MERGE_LABELS[key]);
    if (merge.conflicts.length > 0) {
      const fields: EditConflictField[] = [];
      for (const key of merge.conflicts) {
        fields.push({
          key,
          field: MERGE_LABELS[key],
          before: base ? await fieldText(trx, editableOf(base), key) : "（不详）",
          theirs: await fieldText(trx, editableOf(before), key),
          mine: await fieldText(trx, mine, key),
        });
      }
      const detail: EditConflictDetail = { fields, currentVersion: current!.version, merged };
      conflict(`已被他人修改：在您编辑期间，其他人也改了${fields.map((f) => `「${f.field}」`).join("")}。请逐项选择保留哪一方的内容后再保存。`, detail);
    }
    if (merge.mine.length === 0) return { merged, changed: false };
    const fields = merge.merged;
    await checkReferences(trx, fields);
    const ownMetricIds = new Set(before.metrics.map((m) => m.id));
    for (const metric of fields.metrics) {
      if (metric.id != null && !ownMetricIds.has(metric.id)) badRequest("指标不属于这项重点工作，请刷新页面后重试。");
    }
    await trx
      .updateTable("tasks")
      .set({
        title: fields.title,
        description: fields.description,
        category: fields.category,
        origin: fields.origin,
        origin_ref: fields.originRef,
        lead_user_id: fields.leadUserId,
        start_date: fields.startDate,
        due_date: fields.dueDate,
        updated_at: now,
        version: current!.version + 1,
      })
      .where("id", "=", taskId)
      .where("version", "=", current!.version)
      .execute();
    await writeTaskUnits(trx, taskId, fields.leadUnitId, fields.supportUnitIds);
    if (merge.mine.includes("metrics")) {
      const kept = new Set(fields.metrics.map((m) => m.id).filter((id): id is number => id != null));
      const removed = [...ownMetricIds].filter((id) => !kept.has(id));
      if (removed.length > 0) await trx.deleteFrom("metrics").where("id", "in", removed).execute();
      for (const [index, metric] of fields.metrics.entries()) {
        if (metric.id != null) {
          await trx
            .updateTable("metrics")
            .set({ ...metricColumns(metric), sort_order: index, updated_at: now, version: sql`version + 1` })
            .where("id", "=", metric.id)
            .execute();
        } else {
          await trx
            .insertInto("metrics")
            .values({ ...metricColumns(metric), plan_id: current!.plan_id, task_id: taskId, sort_order: index, created_at: now, updated_at: now })
            .execute();
        }
      }
    }
    await bumpChangeSeq(trx, current!.plan_id);
    await recordAudit(trx, { actorId: actor.id, action: "task.update", entity: "task", entityId: taskId, before, after: await taskSnapshot(trx, taskId) });
    return { merged, changed: true };
  });
}

export async function deleteTask(db: AppDatabase, actor: Actor, taskId: number, version: number): Promise<{ planId: number }> {
  return db.transaction().execute(async (trx) => {
    const current = await trx.selectFrom("tasks").select(["id", "plan_id", "version"]).where("id", "=", taskId).executeTakeFirst();
    if (!current) notFound("没有找到这项重点工作，它可能已被删除。");
    const before = (await taskSnapshot(trx, taskId))!;
    if (current!.version !== version) await refuseStale(trx, taskId, version, before);
    await trx.updateTable("tasks").set({ carried_from_task_id: null }).where("carried_from_task_id", "=", taskId).execute();
    // updates, metrics (and their values), comments and task_units go with it (ON DELETE CASCADE).
    await trx.deleteFrom("metric_values").where("metric_id", "in", trx.selectFrom("metrics").select("id").where("task_id", "=", taskId)).execute();
    await trx.deleteFrom("tasks").where("id", "=", taskId).execute();
    await bumpChangeSeq(trx, current!.plan_id);
    await recordAudit(trx, { actorId: actor.id, action: "task.delete", entity: "task", entityId: taskId, before });
    return { planId: current!.plan_id };
  });
}

export type MovePlace =
  | { kind: "between"; beforeId: number | null; afterId: number | null }
  | { kind: "top" }
  | { kind: "bottom" };

export interface MoveInput {
  taskId: number;
  toStatus: TaskStatus;
  place: MovePlace;
  reason: string;
  /** The card's version when the board was drawn; a move of a card others changed since is refused. */
  version?: number | null;
}

export interface MoveResult {
  planId: number;
  /** What the moved card needs to be built again: its plan's year and 督办灯 thresholds. */
  plan: Pick<BoardPlan, "id" | "year" | "thresholds">;
  kind: MoveKind;
  from: TaskStatus;
  to: TaskStatus;
  position: string;
  version: number;
  /** The plan's change counter before and after this move (the poll compares it). */
  seqBefore: number;
  seqAfter: number;
}

export interface StaleMoveDetail {
  /** Where the card really is now, so the board can show it there. */
  taskId: number;
  status: TaskStatus;
  version: number;
}

/**
 * Refuses a move from a stale board when someone else changed the card since `version`;
 * changes by the mover themself (an earlier move still in flight) do not count.
 * The message says who moved it where and when.
 */
async function refuseStaleMove(trx: Db, actor: Actor, task: { id: number; status: TaskStatus; version: number }, version: number): Promise<void> {
  const rows = await trx
    .selectFrom("audit_log")
    .leftJoin("users", "users.id", "audit_log.actor_id")
    .select(["audit_log.actor_id", "audit_log.action", "audit_log.after_json", "audit_log.created_at", "users.display_name"])
    .where("audit_log.entity", "=", "task")
    .where("audit_log.entity_id", "=", String(task.id))
    .orderBy("audit_log.id", "desc")
    .limit(50)
    .execute();
  const later = rows.filter((row) => {
    const after = parseJson<{ version?: unknown }>(row.after_json);
    return typeof after?.version === "number" && after.version > version;
  });
  const others = later.filter((row) => row.actor_id !== actor.id);
  // Unknown history (e.g. an imported change without a version) counts as someone else's.
  if (later.length > 0 && others.length === 0) return;
  const last = others[0];
  const who = last?.display_name ?? "其他人";
  const when = last ? formatDateTime(last.created_at) : "";
  const detail: StaleMoveDetail = { taskId: task.id, status: task.status, version: task.version };
  const what = last?.action?.startsWith("task.") && last.action !== "task.update" && last.action !== "task.create"
    ? `把这张卡片移到了「${STATUS_LABELS[task.status]}」`
    : `修改了这张卡片（现在在「${STATUS_LABELS[task.status]}」）`;
  conflict(`${who}${when ? ` 已于 ${when} ` : " 刚刚"}${what}。卡片已显示在它现在的位置，如仍需移动请重新操作。`, detail);
}

const NEIGHBOUR_MOVED = "目标位置的相邻卡片已不在该列（可能刚被他人移动）。请刷新看板后重新拖放。";

/**
 * Moves a card to a column, between two neighbours (ids of the cards that will be directly
 * above and below it) or to the top or bottom. The key is computed here from the neighbours'
 * stored keys; one task row is written. Checks who may move what (see moveProblem) and records
 * the transition — who, when, from, to, reason — in audit_log, and 验收/驳回 also as comments.
 */
export async function moveTask(db: AppDatabase, actor: Actor, input: MoveInput): Promise<MoveResult> {
  const now = new Date().toISOString();
  const place = input.place;
  // To the top or bottom of the target column (a drop with no neighbour is a drop at the
  // bottom): the column's first or last key is read with the task, in the same statement.
  const edge = place.kind === "top" ? "top" : place.kind === "bottom" || (place.beforeId == null && place.afterId == null) ? "bottom" : null;
  return db.transaction().execute(async (trx) => {
    const task = await trx
      .selectFrom("tasks")
      .innerJoin("plans", "plans.id", "tasks.plan_id")
      .select(["tasks.id", "tasks.plan_id", "tasks.status", "tasks.position", "tasks.version", "plans.status as plan_status", "plans.year as plan_year", "plans.light_thresholds"])
      .select((eb) =>
        eb
          .selectFrom("tasks as column_task")
          .select("column_task.position")
          .whereRef("column_task.plan_id", "=", "tasks.plan_id")
          .where("column_task.status", "=", input.toStatus)
          .whereRef("column_task.id", "!=", "tasks.id")
          .$if(edge === "top", (qb) => qb.orderBy("column_task.position").orderBy("column_task.id"))
          .$if(edge !== "top", (qb) => qb.orderBy("column_task.position", "desc").orderBy("column_task.id", "desc"))
          .limit(1)
          .as("edge_position"),
      )
      .where("tasks.id", "=", input.taskId)
      .executeTakeFirst();
    if (!task) notFound("没有找到这张卡片，它可能已被删除。请刷新看板。");
    // Judged first: the rules below apply to the column the mover believed the card was in.
    if (input.version != null && input.version !== task!.version) await refuseStaleMove(trx, actor, task!, input.version);
    // Only a secretary's right depends on the task's units (see moveProblem).
    const unitIds =
      actor.role === "secretary"
        ? (await trx.selectFrom("task_units").select("unit_id").where("task_id", "=", task!.id).execute()).map((u) => u.unit_id)
        : [];
    const problem = moveProblem(actor, { status: task!.status, unitIds }, input.toStatus, input.reason);
    if (problem) (problem.status === 403 ? forbidden : badRequest)(problem.message);
    if (task!.plan_status === "archived") badRequest("该年度计划已归档，看板只读。");

    const column = trx
      .selectFrom("tasks")
      .select(["id", "position"])
      .where("plan_id", "=", task!.plan_id)
      .where("status", "=", input.toStatus)
      .where("id", "!=", task!.id);
    const neighbour = async (id: number | null) => {
      if (id == null) return null;
      if (id === task!.id) badRequest(NEIGHBOUR_MOVED);
      const row = await column.where("id", "=", id).executeTakeFirst();
      if (!row) badRequest(NEIGHBOUR_MOVED);
      return row!;
    };

    let before: { position: string } | null = null;
    let after: { position: string } | null = null;
    const edgePosition = task!.edge_position;
    if (edge === "top") {
      after = edgePosition != null ? { position: edgePosition } : null;
    } else if (edge === "bottom") {
      before = edgePosition != null ? { position: edgePosition } : null;
    } else if (place.kind === "between") {
      before = await neighbour(place.beforeId);
      after = await neighbour(place.afterId);
      // Only one neighbour named: the other side is whatever now sits next to it in the column.
      if (before && !after) {
        after = (await column.where("position", ">", before.position).orderBy("position").limit(1).executeTakeFirst()) ?? null;
      } else if (after && !before) {
        before = (await column.where("position", "<", after.position).orderBy("position", "desc").limit(1).executeTakeFirst()) ?? null;
      }
      if (before && after && before.position >= after.position) badRequest(NEIGHBOUR_MOVED);
    }
    const position = positionBetween(before?.position ?? null, after?.position ?? null);

    const kind = classifyMove(task!.status, input.toStatus);
    const version = task!.version + 1;
    await trx
      .updateTable("tasks")
      .set({
        status: input.toStatus,
        position,
        version,
        updated_at: now,
        ...(kind === "verify" ? { done_at: now } : kind === "reopen" ? { done_at: null } : {}),
      })
      .where("id", "=", task!.id)
      .execute();
    const reason = input.reason.trim();
    if (kind === "verify" || kind === "reject") {
      await trx
        .insertInto("comments")
        .values({
          task_id: task!.id,
          author_id: actor.id,
          kind,
          body: reason || (kind === "verify" ? "验收通过，已销号。" : ""),
          created_at: now,
        })
        .execute();
    }
    const seq = await bumpChangeSeq(trx, task!.plan_id);
    await recordAudit(trx, {
      actorId: actor.id,
      action: kind === "advance" ? "task.move" : `task.${kind}`,
      entity: "task",
      entityId: task!.id,
      before: { status: task!.status, position: task!.position, version: task!.version },
      after: { from: task!.status, to: input.toStatus, position, version, ...(reason ? { reason } : {}) },
    });
    return {
      planId: task!.plan_id,
      plan: { id: task!.plan_id, year: task!.plan_year, thresholds: planThresholds(task!.light_thresholds) },
      kind,
      from: task!.status,
      to: input.toStatus,
      position,
      version,
      seqBefore: seq.before,
      seqAfter: seq.after,
    };
  });
}

/** Plan id and code of a task, for routes that need to know where it belongs. */
export async function findTaskPlan(db: AppDatabase, taskId: number): Promise<{ planId: number; year: number; code: string } | null> {
  const row = await db
    .selectFrom("tasks")
    .innerJoin("plans", "plans.id", "tasks.plan_id")
    .select(["tasks.plan_id as planId", "plans.year", "tasks.code"])
    .where("tasks.id", "=", taskId)
    .executeTakeFirst();
  return row ?? null;
}

/** Today's date in Shanghai, the day 督办灯 are computed for. */
export function todayKey(now: Date = new Date()): string {
  return toDateKey(now);
}

export type { TaskRow };
