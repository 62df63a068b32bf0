// Reading the board: cards with their 督办灯 and metric bars, built in a handful of queries.
import type { ExpressionBuilder, Kysely, Transaction } from "kysely";
import type { AppDatabase } from "../../../db/index";
import { preparedQuery } from "../../../db/prepared-query";
import type { Database, TaskStatus } from "../../../db/schema";
import {
  drawnLimits,
  isTaskStatus,
  limitColumns,
  matchesFilters,
  type BoardCard,
  type BoardFilters,
  type CardMetric,
  type NamedRef,
  type MovedCard,
  type TaskOrigin,
} from "~/lib/board";
import { percentOfTarget } from "~/lib/kpi";
import { actualFromTotals, type MetricTotals } from "~/lib/kpi-report";
import { computeLight, type Light, type LightThresholds } from "~/lib/lights";
import { metricTotalsQuery } from "~/models/metric-totals.server";
import type { RecentMove } from "~/lib/move-notes";
import { type PlanInfo } from "~/models/plans.server";
import { readViewState } from "~/models/view-state.server";

type Db = Kysely<Database> | Transaction<Database>;

// ---------------------------------------------------------------- reading cards

interface CardInputs {
  planYear: number;
  thresholds: LightThresholds;
  today: string;
}

type CardPlan = Pick<PlanInfo, "id" | "year" | "thresholds">;
const cardInputs = (plan: CardPlan, today: string): CardInputs => ({ planYear: plan.year, thresholds: plan.thresholds, today });

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
  "tasks.original_due_date",
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
    .select([
      "metrics.id",
      "metrics.task_id",
      "metrics.name",
      "metrics.unit",
      "metrics.baseline",
      "metrics.target",
      "metrics.direction",
      "metrics.aggregation",
    ])
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

type CardMetricRow = Awaited<ReturnType<ReturnType<typeof cardMetricsQuery>["execute"]>>[number];

/** A card's metric bars: each metric's actual from its totals, and its share of the target. */
function toCardMetrics(rows: readonly CardMetricRow[]): CardMetric[] {
  return rows.map((m) => {
    const metric = { direction: m.direction, aggregation: m.aggregation, unit: m.unit, baseline: m.baseline, target: m.target };
    const totals: MetricTotals | null =
      m.unit_count != null ? { amount: Number(m.amount), latestSum: Number(m.latest_sum), unitCount: Number(m.unit_count) } : null;
    const actual = actualFromTotals(metric, totals);
    return {
      id: m.id,
      name: m.name,
      unit: m.unit,
      target: m.target,
      actual,
      percent: percentOfTarget(metric, actual),
      direction: m.direction,
    };
  });
}

/**
 * One card (e.g. the answer to a move) in one statement instead of three: the task, a row per
 * unit, and its latest 填报 (latest week, then latest save, then first saved: pickLatestUpdates'
 * rule) as two scalar subqueries over the same ordering.
 */
const oneCardRows = preparedQuery((db, { planId, taskId }: { planId: number; taskId: number }) => {
  const latest = (eb: ExpressionBuilder<Database, "tasks">) =>
    eb
      .selectFrom("updates")
      .whereRef("updates.task_id", "=", "tasks.id")
      .orderBy("updates.week", "desc")
      .orderBy("updates.updated_at", "desc")
      .orderBy("updates.id")
      .limit(1);
  return db
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
    .orderBy("units.id");
});

async function selectOneCardRows(db: Db, planId: number, taskId: number) {
  // Built once: the answer to every card move runs it.
  const rows = await oneCardRows.execute(db, { planId, taskId });
  if (rows.length === 0) return { tasks: [], units: new Map(), latestUpdates: new Map() };
  const { unit_id: _u, role: _r, name: _n, sort_order: _s, latest_week, latest_progress, ...task } = rows[0];
  const units = rows
    .filter((r) => r.unit_id != null && r.role != null)
    .map((r) => ({ task_id: taskId, unit_id: r.unit_id!, role: r.role!, name: r.name!, sort_order: r.sort_order! }));
  const latestUpdates = new Map<number, { week: string; progress: number }>();
  if (latest_week != null && latest_progress != null) latestUpdates.set(taskId, { week: latest_week, progress: latest_progress });
  return { tasks: [task as TaskRow], units: new Map([[taskId, units]]), latestUpdates };
}

/**
 * Builds cards for the plan's tasks (all, or the given ids) in a handful of queries; without
 * `withMetrics`, cards as a move answers them (no metric totals).
 */
async function buildCards(db: Db, planId: number, inputs: CardInputs, taskIds?: readonly number[]): Promise<BoardCard[]>;
async function buildCards(db: Db, planId: number, inputs: CardInputs, taskIds: readonly number[], withMetrics: false): Promise<MovedCard[]>;
async function buildCards(
  db: Db,
  planId: number,
  inputs: CardInputs,
  taskIds?: readonly number[],
  withMetrics = true,
): Promise<(BoardCard | MovedCard)[]> {
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
  const metrics = withMetrics
    ? byTask((await cardMetricsQuery(db, planId, ids).execute()).map((m) => ({ ...m, task_id: m.task_id! })))
    : null;

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
    const card: MovedCard = {
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
      // A 完成时限 edited back to the original one is no longer an extension.
      originalDueDate: task.original_due_date !== task.due_date ? task.original_due_date : null,
      progress,
      lastUpdateWeek,
      light,
    };
    return metrics ? { ...card, metrics: toCardMetrics(metrics.get(task.id) ?? []) } : card;
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
  /** 已结转: continued into next year's plan, outside the columns and counts. */
  carried: CarriedCard[];
  /** The plan's latest moves between columns (newest first), so the board can say who moved what. */
  recentMoves: RecentMove[];
}

export interface CarriedCard {
  id: number;
  code: string;
  title: string;
  /** The task of next year's plan that continues it. */
  successor: { id: number; code: string; year: number };
}

/** A plan's 已结转 tasks, each with the task that continues it. */
export async function listCarriedTasks(db: Db, planId: number): Promise<CarriedCard[]> {
  const rows = await db
    .selectFrom("tasks")
    .innerJoin("tasks as successor", "successor.id", "tasks.carried_to_task_id")
    .innerJoin("plans", "plans.id", "successor.plan_id")
    .select(["tasks.id", "tasks.code", "tasks.title", "successor.id as successor_id", "successor.code as successor_code", "plans.year"])
    .where("tasks.plan_id", "=", planId)
    .orderBy("tasks.code")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    code: r.code,
    title: r.title,
    successor: { id: r.successor_id, code: r.successor_code, year: r.year },
  }));
}

/** The whole board of a plan: cards in position order, filtered, plus the filter choices. */
export async function listBoard(
  db: AppDatabase,
  plan: PlanInfo,
  { filters, today, limit }: { filters: BoardFilters; today: string; limit?: number | Record<TaskStatus, number> },
): Promise<BoardData> {
  // 已结转 cards leave the columns, the lights and the counts; they are listed apart, linked to their successor.
  const carried = await listCarriedTasks(db, plan.id);
  const carriedIds = new Set(carried.map((c) => c.id));
  const all = (await buildCards(db, plan.id, cardInputs(plan, today))).filter((c) => !carriedIds.has(c.id));
  const units = await db.selectFrom("units").select(["id", "name"]).where("active", "=", 1).orderBy("sort_order").orderBy("id").execute();
  const leaders = await listLeaders(db);
  const categories = [...new Set(all.map((c) => c.category).filter(Boolean))].sort((a, b) => a.localeCompare(b, "zh-CN"));
  const matching = all.filter((card) => matchesFilters(card, filters));
  const lights: Record<Light, number> = { green: 0, yellow: 0, red: 0, done: 0, upcoming: 0 };
  for (const card of matching) lights[card.light.light] += 1;
  const { cards, hidden } = limitColumns(matching, limit ?? drawnLimits(filters, matching.length));
  const recentMoves = await listRecentMoves(db, plan.id);
  return { cards, total: all.length, hidden, lights, options: { units, leaders, categories }, carried, recentMoves };
}

const COLUMN_MOVE_ACTIONS = ["task.move", "task.verify", "task.reject", "task.reopen"];
const RECENT_MOVES = 40;
const RECENT_MOVES_SINCE_MS = 24 * 60 * 60 * 1000;

/** The plan's latest moves of cards between columns (of the last day, newest first), with who made them. */
export async function listRecentMoves(db: Db, planId: number, now = new Date()): Promise<RecentMove[]> {
  const rows = await db
    .selectFrom("audit_log")
    // entity_id is text (it names plans, tasks and users alike): compare as text, which PostgreSQL insists on.
    .innerJoin("tasks", (join) => join.on((eb) => eb(eb.cast<string>("tasks.id", "text"), "=", eb.ref("audit_log.entity_id"))))
    .leftJoin("users", "users.id", "audit_log.actor_id")
    .select(["tasks.id as task_id", "audit_log.actor_id", "audit_log.after_json", "users.display_name"])
    .where("audit_log.entity", "=", "task")
    .where("audit_log.action", "in", COLUMN_MOVE_ACTIONS)
    .where("audit_log.created_at", ">=", new Date(now.getTime() - RECENT_MOVES_SINCE_MS).toISOString())
    .where("tasks.plan_id", "=", planId)
    .orderBy("audit_log.id", "desc")
    .limit(RECENT_MOVES)
    .execute();
  const moves: RecentMove[] = [];
  for (const row of rows) {
    const after = parseMoveAfter(row.after_json);
    if (after) moves.push({ taskId: row.task_id, ...after, actorId: row.actor_id, actorName: row.display_name });
  }
  return moves;
}

function parseMoveAfter(json: string | null): { version: number; to: TaskStatus } | null {
  if (!json) return null;
  try {
    const after = JSON.parse(json) as { version?: unknown; to?: unknown };
    return typeof after.version === "number" && isTaskStatus(after.to) ? { version: after.version, to: after.to } : null;
  } catch {
    return null;
  }
}

/** How long a computed board answers the same view again (bounds anything the key misses). */
const BOARD_REUSE_MS = 20_000;
const BOARDS_KEPT = 16;
const recentBoards = new WeakMap<object, Map<string, { at: number; board: Promise<BoardData> }>>();

/**
 * `listBoard`, computed once per state of the database and reused for a few seconds: the board
 * people reload, the same view opened by a whole meeting at once, a new worker of the cluster
 * warming up. The key holds everything the board shows that can change — the plan's change
 * counter as this request read it (every write to the plan's tasks, updates and metric values
 * bumps it), the newest user, unit, comment and attachment, the date and the filters — so a
 * request made after a write never gets a board from before it, in any worker.
 */
export async function listBoardShared(
  db: AppDatabase,
  plan: PlanInfo,
  options: { filters: BoardFilters; today: string; viewState?: unknown[] },
): Promise<BoardData> {
  const { viewState = await readViewState(db), ...view } = options;
  const key = JSON.stringify([plan.id, plan.changeSeq, plan.version, plan.thresholds, view.today, view.filters, viewState]);
  let boards = recentBoards.get(db);
  if (!boards) recentBoards.set(db, (boards = new Map()));
  const now = Date.now();
  const kept = boards.get(key);
  if (kept && now - kept.at < BOARD_REUSE_MS) return kept.board;
  const board = listBoard(db, plan, view);
  boards.delete(key);
  boards.set(key, { at: now, board });
  const known = boards;
  board.catch(() => known.delete(key));
  // Oldest first: drop what expired and what is past the few kept.
  for (const [k, v] of boards) {
    if (boards.size > BOARDS_KEPT || now - v.at >= BOARD_REUSE_MS) boards.delete(k);
    else break;
  }
  return board;
}

/** One card as the board shows it (the task panel shows it too). */
export async function getBoardCard(db: Db, plan: CardPlan, taskId: number, today: string): Promise<BoardCard | null> {
  return (await buildCards(db, plan.id, cardInputs(plan, today), [taskId]))[0] ?? null;
}

/** The card a move answers with: as getBoardCard, without the metrics a move cannot change. */
export async function getMovedCard(db: Db, plan: CardPlan, taskId: number, today: string): Promise<MovedCard | null> {
  return (await buildCards(db, plan.id, cardInputs(plan, today), [taskId], false))[0] ?? null;
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
