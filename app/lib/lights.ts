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
import { DEFAULT_LIGHT_THRESHOLDS } from "~/lib/light-labels";
import { daysBetween, nextWeek, weekDistance, weekKeyOf } from "~/lib/weeks";

export type TaskStatus = "not_started" | "in_progress" | "pending_review" | "done";
/** "upcoming" is 未开始: the task (or its plan) has not started, so nothing is due yet. */
export type Light = "green" | "yellow" | "red" | "done" | "upcoming";

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

export interface LightThresholds {
  /** More than this many points behind 序时进度 is yellow. */
  yellowBehind: number;
  /** More than this many points behind is red. */
  redBehind: number;
  /** Due within this many days (and not yet 待验收) is yellow. */
  dueSoonDays: number;
  /** This many finished weeks without an update is yellow … */
  silentWeeksYellow: number;
  /** … and this many is red. */
  silentWeeksRed: number;
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

/** Finished weeks with no update, counted from the week after the task started or was created. */
function silentWeekCount(task: LightTask, effectiveStart: string, today: string): number {
  const startWeek = weekKeyOf(effectiveStart);
  const createdWeek = task.createdAt ? weekKeyOf(task.createdAt) : startWeek;
  // The task's first week is a grace week: it may have begun on a Friday.
  const firstCountedWeek = nextWeek(createdWeek > startWeek ? createdWeek : startWeek);
  let currentWeek = weekKeyOf(today); // still open, so never counted
  // Past its 完成时限 a task is red as overdue anyway: silence stops counting at the due week,
  // so a closed-out year does not show "连续55周未填报".
  if (task.dueDate && task.dueDate < today) {
    const afterDue = nextWeek(weekKeyOf(task.dueDate));
    if (afterDue < currentWeek) currentWeek = afterDue;
  }
  // Counted: the finished weeks from the first counted one, or from the week after the last
  // update when that is later, up to (not including) the current week.
  const afterLastUpdate = task.lastUpdateWeek === null ? null : nextWeek(task.lastUpdateWeek);
  const from = afterLastUpdate !== null && afterLastUpdate > firstCountedWeek ? afterLastUpdate : firstCountedWeek;
  return Math.max(0, weekDistance(from, currentWeek));
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
  const expectedProgress = task.dueDate
    ? Math.round(expectedProgressOf(effectiveStart, task.dueDate, today))
    : 0;
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
  | { ok: true; thresholds: LightThresholds }
  | { ok: false; errors: Partial<Record<keyof LightThresholds, string>> };

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
