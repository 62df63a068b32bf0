/**
 * The board's pure rules: columns, who may move a card where, filters and swimlanes, and the
 * optimistic placement of a card while its move is on the way. No Remix, no database: the
 * server enforces these rules and the browser asks them too (to disable what would be refused).
 */
import type { MetricDirection, TaskOrigin, TaskStatus } from "~/lib/domain";
import type { Light, LightResult } from "~/lib/lights";
import { comparePositions } from "~/lib/positions";
import { can, type Actor } from "~/utils/permissions";

export type { TaskStatus };

export const STATUSES: readonly TaskStatus[] = ["not_started", "in_progress", "pending_review", "done"];

export const STATUS_LABELS: Record<TaskStatus, string> = {
  not_started: "未启动",
  in_progress: "推进中",
  pending_review: "待验收",
  done: "已销号",
};

/** Shown under the column title: what being in the column means. */
export const STATUS_HINTS: Record<TaskStatus, string> = {
  not_started: "尚未开始推进",
  in_progress: "按序时推进中",
  pending_review: "已申请办结，等待验收",
  done: "验收通过，已销号",
};

export function isTaskStatus(value: unknown): value is TaskStatus {
  return typeof value === "string" && (STATUSES as readonly string[]).includes(value);
}

export type { TaskOrigin };
export const ORIGIN_LABELS: Record<TaskOrigin, string> = {
  key_work: "重点工作",
  problem: "存在问题",
  manual: "新增",
  carried_over: "上年结转",
};

// ---------------------------------------------------------------- moves

/**
 * - reorder: same column;
 * - advance: among 未启动 / 推进中 / 待验收, not backwards out of 待验收;
 * - verify (验收): into 已销号;
 * - reject (驳回): out of 待验收 back to 推进中 or 未启动 — needs a reason;
 * - reopen (撤销销号): out of 已销号.
 */
export type MoveKind = "reorder" | "advance" | "verify" | "reject" | "reopen";

export function classifyMove(from: TaskStatus, to: TaskStatus): MoveKind {
  if (from === to) return "reorder";
  if (to === "done") return "verify";
  if (from === "done") return "reopen";
  if (from === "pending_review") return "reject";
  return "advance";
}

export const MOVE_KIND_LABELS: Record<MoveKind, string> = {
  reorder: "调整顺序",
  advance: "移动",
  verify: "验收",
  reject: "驳回",
  reopen: "撤销销号",
};

export interface MoveRefusal {
  status: 400 | 403;
  message: string;
}

export const REASON_MAX_LENGTH = 500;

/**
 * Why `actor` may not move a task (status and 牵头+配合 unit ids) to `to`; null when allowed.
 * DESIGN.md's roles table: secretaries move their own unit's tasks among 未启动, 推进中 and
 * 待验收; only leaders and admins move a card into or out of 已销号 (reordering inside it too).
 */
export function moveProblem(
  actor: Actor,
  task: { status: TaskStatus; unitIds: readonly number[] },
  to: TaskStatus,
  reason: string,
): MoveRefusal | null {
  if (!can(actor, "tasks.move", actor.role === "secretary" ? task.unitIds : undefined)) {
    if (actor.role === "secretary") {
      return { status: 403, message: "只能移动本单位牵头或配合的重点工作。" };
    }
    return { status: 403, message: "您的账号只能查看看板，不能移动卡片。" };
  }
  const kind = classifyMove(task.status, to);
  if ((task.status === "done" || to === "done") && !can(actor, "tasks.verify")) {
    return { status: 403, message: "只有街道领导或系统管理员可以验收销号，或把卡片移出已销号。" };
  }
  if (kind === "reject" && reason.trim() === "") {
    return { status: 400, message: "驳回须填写原因：请说明还需要做什么。" };
  }
  if (reason.length > REASON_MAX_LENGTH) {
    return { status: 400, message: `原因或说明不能超过${REASON_MAX_LENGTH}个字。` };
  }
  return null;
}

/** Columns the actor may move this task to (its own column included: reordering). */
export function allowedTargets(actor: Actor, task: { status: TaskStatus; unitIds: readonly number[] }): TaskStatus[] {
  return STATUSES.filter((to) => moveProblem(actor, task, to, "原因") === null);
}

/** May the actor pick this card up at all (some column it could go to, or reorder)? */
export function canDragCard(actor: Actor, task: { status: TaskStatus; unitIds: readonly number[] }): boolean {
  return allowedTargets(actor, task).length > 0;
}

// ---------------------------------------------------------------- cards

export interface CardMetric {
  id: number;
  name: string;
  unit: string;
  target: number | null;
  actual: number | null;
  /** % of target (see kpi.percentOfTarget), null when it cannot be computed. */
  percent: number | null;
  direction: MetricDirection;
}

export interface NamedRef {
  id: number;
  name: string;
}

/** Everything a board card shows; the loader sends these, the move action returns one. */
export interface BoardCard {
  id: number;
  code: string;
  title: string;
  origin: TaskOrigin;
  originRef: string | null;
  category: string;
  status: TaskStatus;
  position: string;
  version: number;
  leadUnit: NamedRef | null;
  supportUnits: NamedRef[];
  leadUser: NamedRef | null;
  startDate: string | null;
  dueDate: string | null;
  /** The 完成时限 before an approved 延期申请 ("已延期（原定…）"); absent or null when never extended. */
  originalDueDate?: string | null;
  progress: number;
  lastUpdateWeek: string | null;
  light: LightResult;
  metrics: CardMetric[];
}

export function cardUnitIds(card: Pick<BoardCard, "leadUnit" | "supportUnits">): number[] {
  return [...(card.leadUnit ? [card.leadUnit.id] : []), ...card.supportUnits.map((u) => u.id)];
}

export function sortCards<T extends { position: string; id: number }>(cards: T[]): T[] {
  return [...cards].sort((a, b) => comparePositions(a.position, b.position) || a.id - b.id);
}

// ---------------------------------------------------------------- filters and swimlanes

export type LaneBy = "none" | "unit" | "leader" | "category";
export const LANE_LABELS: Record<LaneBy, string> = {
  none: "不分泳道",
  unit: "按牵头单位",
  leader: "按责任领导",
  category: "按类别",
};

export interface BoardFilters {
  unit: number | null;
  leader: number | null;
  category: string | null;
  light: Light | null;
  q: string;
  lane: LaneBy;
  /** Show every card, not just the first COLUMN_LIMIT of each column. */
  all: boolean;
  /** Columns the user asked to show more of ("显示更多"): how many cards each shows. */
  more: Partial<Record<TaskStatus, number>>;
}

export const EMPTY_FILTERS: BoardFilters = {
  unit: null,
  leader: null,
  category: null,
  light: null,
  q: "",
  lane: "none",
  all: false,
  more: {},
};

/** The URL search for a board view ("" or "?year=2025&unit=3…"), defaults left out. */
export function boardSearch(year: number | null, filters: BoardFilters): string {
  const params = new URLSearchParams();
  if (year != null) params.set("year", String(year));
  if (filters.unit != null) params.set("unit", String(filters.unit));
  if (filters.leader != null) params.set("leader", String(filters.leader));
  if (filters.category) params.set("category", filters.category);
  if (filters.light) params.set("light", filters.light);
  if (filters.q) params.set("q", filters.q);
  if (filters.lane !== "none") params.set("lane", filters.lane);
  if (filters.all) params.set("all", "1");
  const more = STATUSES.filter((status) => filters.more[status] != null).map((status) => `${status}:${filters.more[status]}`);
  if (more.length > 0 && !filters.all) params.set("more", more.join(","));
  const search = params.toString();
  return search ? `?${search}` : "";
}

export function hasActiveFilters(filters: BoardFilters): boolean {
  return filters.unit != null || filters.leader != null || filters.category != null || filters.light != null || filters.q !== "";
}

export function matchesFilters(card: BoardCard, filters: BoardFilters): boolean {
  if (filters.unit != null && !cardUnitIds(card).includes(filters.unit)) return false;
  if (filters.leader != null && card.leadUser?.id !== filters.leader) return false;
  if (filters.category != null && card.category !== filters.category) return false;
  if (filters.light != null && card.light.light !== filters.light) return false;
  if (filters.q) {
    const needle = filters.q.toLowerCase();
    const haystack = [
      card.code,
      card.title,
      card.originRef ?? "",
      card.category,
      card.leadUnit?.name ?? "",
      ...card.supportUnits.map((u) => u.name),
      card.leadUser?.name ?? "",
    ]
      .join("\n")
      .toLowerCase();
    if (!haystack.includes(needle)) return false;
  }
  return true;
}

export interface LaneKey {
  key: string;
  label: string;
}

export const NO_LANE: LaneKey = { key: "all", label: "全部" };

/** The swimlane a card belongs to. A task with several units sits in its 牵头单位's lane. */
export function laneOf(card: BoardCard, by: LaneBy): LaneKey {
  switch (by) {
    case "unit":
      return card.leadUnit ? { key: `u${card.leadUnit.id}`, label: card.leadUnit.name } : { key: "u0", label: "未指定牵头单位" };
    case "leader":
      return card.leadUser ? { key: `l${card.leadUser.id}`, label: card.leadUser.name } : { key: "l0", label: "未指定责任领导" };
    case "category":
      return card.category ? { key: `c${card.category}`, label: card.category } : { key: "c", label: "未分类" };
    default:
      return NO_LANE;
  }
}

export interface Lane extends LaneKey {
  columns: Record<TaskStatus, BoardCard[]>;
  count: number;
}

function emptyColumns(): Record<TaskStatus, BoardCard[]> {
  return { not_started: [], in_progress: [], pending_review: [], done: [] };
}

/**
 * Cards into lanes and columns, each column in position order. Lanes come in `order`
 * (e.g. units by their sort order, leaders by name); lanes for "none" (未指定) come last.
 */
export function groupIntoLanes(cards: BoardCard[], by: LaneBy, order: readonly string[] = []): Lane[] {
  const lanes = new Map<string, Lane>();
  for (const card of sortCards(cards)) {
    const key = laneOf(card, by);
    let lane = lanes.get(key.key);
    if (!lane) {
      lane = { ...key, columns: emptyColumns(), count: 0 };
      lanes.set(key.key, lane);
    }
    lane.columns[card.status].push(card);
    lane.count += 1;
  }
  // Without lanes the four columns always show, so an empty column can still take a card.
  if (lanes.size === 0 && by === "none") lanes.set(NO_LANE.key, { ...NO_LANE, columns: emptyColumns(), count: 0 });
  const rank = (lane: Lane) => {
    const index = order.indexOf(lane.key);
    if (index >= 0) return index;
    return /^[ulc]0?$/.test(lane.key) ? Number.MAX_SAFE_INTEGER : order.length;
  };
  return [...lanes.values()].sort((a, b) => rank(a) - rank(b) || a.label.localeCompare(b.label, "zh-CN"));
}

// ---------------------------------------------------------------- large plans

/**
 * Cards per column drawn at first: a few screens' worth even on a large screen, so a 1,000-card
 * plan sends 64 cards (under 200 KB of HTML) instead of 1,000. Each column's "显示更多" asks for
 * COLUMN_LIMIT more, and with JavaScript follows itself as the column scrolls.
 */
export const COLUMN_LIMIT = 16;
/** The most cards one column draws through "显示更多" (past that, "显示全部"). */
export const MAX_COLUMN_SHOWN = 2000;

/** How many cards each column draws for these filters. */
export function columnLimits(filters: Pick<BoardFilters, "all" | "more">): Record<TaskStatus, number> {
  const limit = (status: TaskStatus) => (filters.all ? Infinity : (filters.more[status] ?? COLUMN_LIMIT));
  return {
    not_started: limit("not_started"),
    in_progress: limit("in_progress"),
    pending_review: limit("pending_review"),
    done: limit("done"),
  };
}

/**
 * A board no bigger than the first page of all its columns (a usual year's 30–60 tasks) is drawn
 * whole: no column stops short at COLUMN_LIMIT while the page would be no larger anyway.
 */
export const WHOLE_BOARD_CARDS = 4 * COLUMN_LIMIT;

/** How many cards each column draws when `matching` cards pass the filters. */
export function drawnLimits(filters: Pick<BoardFilters, "all" | "more">, matching: number): Record<TaskStatus, number> | number {
  return matching <= WHOLE_BOARD_CARDS ? Infinity : columnLimits(filters);
}

/** The filters of the view that shows one more page of `status` (the "显示更多" link). */
export function withMoreOf(filters: BoardFilters, status: TaskStatus): BoardFilters {
  const shown = columnLimits(filters)[status];
  return { ...filters, more: { ...filters.more, [status]: Math.min(MAX_COLUMN_SHOWN, shown + COLUMN_LIMIT) } };
}

/**
 * The first cards of each column (cards in position order) up to its limit, and how many were
 * left out per column. Moves still work: the server only needs a card's neighbours, which are shown.
 */
export function limitColumns(
  cards: BoardCard[],
  limit: number | Record<TaskStatus, number>,
): { cards: BoardCard[]; hidden: Record<TaskStatus, number> } {
  const limits = typeof limit === "number" ? { not_started: limit, in_progress: limit, pending_review: limit, done: limit } : limit;
  const shown: Record<TaskStatus, number> = { not_started: 0, in_progress: 0, pending_review: 0, done: 0 };
  const hidden: Record<TaskStatus, number> = { not_started: 0, in_progress: 0, pending_review: 0, done: 0 };
  const kept: BoardCard[] = [];
  for (const card of sortCards(cards)) {
    if (shown[card.status] < limits[card.status]) {
      shown[card.status] += 1;
      kept.push(card);
    } else {
      hidden[card.status] += 1;
    }
  }
  return { cards: kept, hidden };
}

// ---------------------------------------------------------------- optimistic placement

export interface PendingMove {
  taskId: number;
  toStatus: TaskStatus;
  beforeId: number | null;
  afterId: number | null;
}

/**
 * Lays pending moves over the cards the server sent, as example-trellix does: the moved card
 * takes the target status and a position key between its (possibly also moved) neighbours.
 * The server computes the real key; this only decides where the card shows meanwhile.
 */
export function applyPendingMoves(cards: BoardCard[], moves: readonly PendingMove[]): BoardCard[] {
  if (moves.length === 0) return cards;
  const byId = new Map(cards.map((card) => [card.id, card]));
  for (const move of moves) {
    const card = byId.get(move.taskId);
    if (!card) continue;
    const before = move.beforeId != null ? byId.get(move.beforeId) : undefined;
    const after = move.afterId != null ? byId.get(move.afterId) : undefined;
    byId.set(card.id, { ...card, status: move.toStatus, position: keyBetween(card.position, before, after, move.toStatus) });
  }
  return cards.map((card) => byId.get(card.id)!);
}

/**
 * A display-only key that sorts just after `before` (or first when there is none). Keys use
 * base-62 digits, so "key + \u0000" sorts after "key" and before every longer or larger key;
 * no fractional-indexing in the browser bundle for a key the server replaces anyway.
 */
function keyBetween(own: string, before: BoardCard | undefined, after: BoardCard | undefined, status: TaskStatus): string {
  const low = before && before.status === status ? before.position : null;
  const high = after && after.status === status ? after.position : null;
  if (low != null && high != null && low >= high) return own; // out of order: the board changed underneath
  if (low != null) return `${low}\u0000`;
  if (high != null) return high > "" ? "" : own;
  return own;
}

/**
 * A card as a move answers it: everything a move can change (column, place, version, 督办灯)
 * and the card's other fields as they are now, but not its metrics, which a move never changes
 * and which cost more to total than the move itself.
 */
export type MovedCard = Omit<BoardCard, "metrics">;

/**
 * Server-confirmed cards replace the loader's copy until the loader catches up (by version);
 * the metrics stay the loader's.
 */
export function applyConfirmedCards(cards: BoardCard[], confirmed: ReadonlyMap<number, MovedCard>): BoardCard[] {
  if (confirmed.size === 0) return cards;
  return cards.map((card) => {
    const newer = confirmed.get(card.id);
    return newer && newer.version > card.version ? { ...newer, metrics: card.metrics } : card;
  });
}

/** The neighbours of the item at `index` in a column's id list. */
export function neighboursAt(ids: readonly number[], index: number): { beforeId: number | null; afterId: number | null } {
  return { beforeId: index > 0 ? ids[index - 1] : null, afterId: index < ids.length - 1 ? ids[index + 1] : null };
}
