/**
 * 督办灯: the traffic light on a task card, with the reasons the card shows.
 *
 * Rules as offices use them (thresholds configurable per plan):
 * - 序时进度 (expected progress) = whole days elapsed before today ÷ days in the task's span
 *   (start date to due date, both included), so on 1 July of a full-year task it is 49.6 → 50.
 *   Rounded to a whole percentage before comparing, so the light agrees with the number shown.
 * - green: at most `yellowBehind` points behind; yellow: up to `redBehind` points behind, due
 *   within `dueSoonDays` days, or `silentWeeksYellow` weeks without an update; red: more than
 *   `redBehind` points behind, overdue, or `silentWeeksRed` weeks without an update.
 * - 待验收 (pending_review) waits on the leader, not the unit: no overdue, due-soon or silence
 *   flags while waiting. Being behind still shows, so a leader verifying it sees the gap.
 * - A task whose start date (or its plan's 1 January) is in the future is 未开始 (grey): not
 *   late, not due, not to be urged.
 */
import type { TaskStatus } from "~/lib/domain";
import { DEFAULT_LIGHT_THRESHOLDS, type Light, type LightThresholds } from "~/lib/light-labels";
import { daysBetween, toDateKey, weekNumberOfDate, weekNumberOfKey } from "~/lib/weeks";

export type { TaskStatus };
export type { Light, LightThresholds };

export interface LightTask {
  status: TaskStatus;
  /** "YYYY-MM-DD"; null means the task runs from the plan's start. */
  startDate: string | null;
  /** "YYYY-MM-DD"; null means no 完成时限, so no 序时进度 and no due/overdue flags. */
  dueDate: string | null;
  /** 0–100 */
  progress: number;
  /** Week key of the latest 填报, e.g. "2025-W12". */
  lastUpdateWeek: string | null;
  /** A task added mid-year is not silent for the weeks before it existed. */
  createdAt?: Date | string | null;
}

/** A task row as the database holds it, with its progress and latest 填报 week, as the light rules read it. */
export function lightTaskOf(
  row: { status: TaskStatus; start_date: string | null; due_date: string | null; created_at: string },
  progress: number,
  lastUpdateWeek: string | null,
): LightTask {
  return { status: row.status, startDate: row.start_date, dueDate: row.due_date, progress, lastUpdateWeek, createdAt: row.created_at };
}

export interface LightContext {
  /** Today's Shanghai date key, "YYYY-MM-DD". */
  today: string;
  /** Start of the plan year ("2025-01-01"), used when a task has no start date. */
  planStart: string;
  thresholds?: LightThresholds;
}

export interface LightResult {
  light: Light;
  /** 序时进度, a whole percentage 0–100. */
  expectedProgress: number;
  /** Points behind 序时进度; 0 when on or ahead of it. */
  behindBy: number;
  /** Short phrases for the card, most serious first. */
  reasons: string[];
}

// The labels and defaults live in their own module, so pages that only show a light (the
// board) do not bundle the rules and their week arithmetic.
export { DEFAULT_LIGHT_THRESHOLDS, LIGHT_LABELS } from "~/lib/light-labels";

/** 序时进度 for a span of date keys, as an unrounded percentage clamped to 0–100. */
export function expectedProgressOf(start: string, due: string, today: string): number {
  const spanDays = daysBetween(start, due) + 1;
  if (spanDays <= 0) return 100; // due before start: a data error, treat the time as used up
  const elapsedDays = daysBetween(start, today);
  return Math.min(100, Math.max(0, (elapsedDays / spanDays) * 100));
}

/**
 * Finished weeks with no update, counted from the week after the task started or was created.
 * Plain week numbers, no calendar walk: the KPI page judges a 1,000-task plan per view.
 */
function silentWeekCount(task: LightTask, effectiveStart: string, today: string): number {
  const startWeek = weekNumberOfDate(effectiveStart);
  const createdWeek = task.createdAt ? weekNumberOfDate(createdDateKey(task.createdAt)) : startWeek;
  // The task's first week is a grace week: it may have begun on a Friday.
  const firstCountedWeek = Math.max(createdWeek, startWeek) + 1;
  let currentWeek = weekNumberOfDate(today); // still open, so never counted
  // Past its 完成时限 a task is red as overdue anyway: silence stops counting at the due week,
  // so a closed-out year does not show "连续55周未填报".
  if (task.dueDate && task.dueDate < today) currentWeek = Math.min(currentWeek, weekNumberOfDate(task.dueDate) + 1);
  // Counted: the finished weeks from the first counted one, or from the week after the last
  // update when that is later, up to (not including) the current week.
  const afterLastUpdate = task.lastUpdateWeek === null ? -Infinity : weekNumberOfKey(task.lastUpdateWeek) + 1;
  return Math.max(0, currentWeek - Math.max(firstCountedWeek, afterLastUpdate));
}

/** A creation time as its Shanghai day: a date key stays as it is. */
function createdDateKey(createdAt: Date | string): string {
  return typeof createdAt === "string" && /^\d{4}-\d{2}-\d{2}$/.test(createdAt) ? createdAt : toDateKey(createdAt);
}

/** "2027-01-01" → "2027年1月1日" */
function formatDateKey(key: string): string {
  const [year, month, day] = key.split("-").map(Number);
  return `${year}年${month}月${day}日`;
}

function formatPoints(points: number): string {
  return String(Math.round(points * 10) / 10);
}

export function computeLight(task: LightTask, context: LightContext): LightResult {
  const { today, planStart } = context;
  const thresholds = context.thresholds ?? DEFAULT_LIGHT_THRESHOLDS;
  const effectiveStart = task.startDate ?? planStart;
  const expectedProgress = task.dueDate ? Math.round(expectedProgressOf(effectiveStart, task.dueDate, today)) : 0;
  const behindBy = Math.max(0, Math.round((expectedProgress - task.progress) * 10) / 10);

  if (task.status === "done") {
    return { light: "done", expectedProgress, behindBy: 0, reasons: ["已销号"] };
  }
  if (today < effectiveStart) {
    return { light: "upcoming", expectedProgress: 0, behindBy: 0, reasons: [`${formatDateKey(effectiveStart)}开始`] };
  }

  const red: string[] = [];
  const yellow: string[] = [];
  const waitingForReview = task.status === "pending_review";

  if (task.dueDate && !waitingForReview) {
    const daysLeft = daysBetween(today, task.dueDate);
    if (daysLeft < 0) red.push(`已超期${-daysLeft}天`);
    else if (daysLeft === 0) yellow.push("今天到期");
    else if (daysLeft <= thresholds.dueSoonDays) yellow.push(`${daysLeft}天后到期`);
  }

  if (behindBy > thresholds.redBehind) red.push(`落后序时进度${formatPoints(behindBy)}个百分点`);
  else if (behindBy > thresholds.yellowBehind) yellow.push(`落后序时进度${formatPoints(behindBy)}个百分点`);

  if (!waitingForReview) {
    const silentWeeks = silentWeekCount(task, effectiveStart, today);
    const phrase = silentWeeks === 1 ? "上周未填报" : `连续${silentWeeks}周未填报`;
    if (silentWeeks >= thresholds.silentWeeksRed) red.push(phrase);
    else if (silentWeeks >= thresholds.silentWeeksYellow) yellow.push(phrase);
  }

  const light = red.length > 0 ? "red" : yellow.length > 0 ? "yellow" : "green";
  return { light, expectedProgress, behindBy, reasons: [...red, ...yellow] };
}

const THRESHOLD_FIELDS: Record<keyof LightThresholds, { label: string; min: number; max: number; integer: boolean }> = {
  yellowBehind: { label: "黄灯：落后序时进度（个百分点）", min: 0, max: 100, integer: false },
  redBehind: { label: "红灯：落后序时进度（个百分点）", min: 0, max: 100, integer: false },
  dueSoonDays: { label: "到期预警天数", min: 0, max: 365, integer: true },
  silentWeeksYellow: { label: "黄灯：连续未填报周数", min: 1, max: 52, integer: true },
  silentWeeksRed: { label: "红灯：连续未填报周数", min: 1, max: 52, integer: true },
};

export type ThresholdValidation =
  { ok: true; thresholds: LightThresholds } | { ok: false; errors: Partial<Record<keyof LightThresholds, string>> };

/**
 * Checks thresholds from a settings form (strings) or stored JSON (numbers). A field that is
 * absent keeps its default, so older stored settings stay valid when a field is added.
 */
export function validateThresholds(input: Partial<Record<keyof LightThresholds, unknown>>): ThresholdValidation {
  const errors: Partial<Record<keyof LightThresholds, string>> = {};
  const thresholds = { ...DEFAULT_LIGHT_THRESHOLDS };

  for (const key of Object.keys(THRESHOLD_FIELDS) as (keyof LightThresholds)[]) {
    const rule = THRESHOLD_FIELDS[key];
    const raw = input[key];
    if (raw === undefined) continue;
    const text = typeof raw === "string" ? raw.trim() : raw;
    if (text === "" || text === null) {
      errors[key] = `请填写${rule.label}`;
      continue;
    }
    const value = typeof text === "number" ? text : typeof text === "string" ? Number(text) : NaN;
    if (!Number.isFinite(value) || (rule.integer && !Number.isInteger(value))) {
      errors[key] = `${rule.label}须为${rule.integer ? "整数" : "数字"}`;
    } else if (value < rule.min || value > rule.max) {
      errors[key] = `${rule.label}须在${rule.min}到${rule.max}之间`;
    } else {
      thresholds[key] = value;
    }
  }

  if (!errors.yellowBehind && !errors.redBehind && thresholds.redBehind <= thresholds.yellowBehind) {
    errors.redBehind = "红灯的落后百分点须大于黄灯的";
  }
  if (!errors.silentWeeksYellow && !errors.silentWeeksRed && thresholds.silentWeeksRed <= thresholds.silentWeeksYellow) {
    errors.silentWeeksRed = "红灯的未填报周数须大于黄灯的";
  }

  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, thresholds };
}
