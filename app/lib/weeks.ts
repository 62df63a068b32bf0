/**
 * ISO weeks and calendar dates in Asia/Shanghai time.
 *
 * Every office using the board is in China, so a "week" and a "day" always mean
 * Shanghai's, whatever time zone the server or the browser runs in. Week keys look
 * like "2025-W12" (ISO week-year, zero-padded week) and therefore sort correctly as
 * plain strings.
 */
// No date library: this module is in the browser bundle of every page (the board's cards,
// the 督办灯), and a calendar day in a fixed-offset zone needs only UTC arithmetic.

export const OFFICE_TIME_ZONE = "Asia/Shanghai";

const WEEK_KEY_PATTERN = /^(\d{4})-W(\d{2})$/;
const DATE_KEY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** Shanghai has kept UTC+8 without daylight saving since 1991-09-15 (tz database). */
const FIXED_OFFSET_SINCE = 684_892_800_000; // Date.UTC(1991, 8, 15), a literal so the module has no side effects

export interface ParsedWeek {
  year: number;
  week: number;
}

/** A calendar day: the UTC midnight of that date (so adding days never meets a DST change). */
interface Day {
  /** Milliseconds of UTC midnight. */
  ms: number;
  year: number;
  /** 1–12 */
  month: number;
  /** 1–31 */
  date: number;
}

function dayFromMs(ms: number): Day {
  const d = new Date(ms);
  return { ms, year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, date: d.getUTCDate() };
}

function dayOf(year: number, month: number, date: number): Day {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, date);
  return dayFromMs(d.getTime());
}

const addDays = (day: Day, days: number): Day => dayFromMs(day.ms + days * DAY_MS);
/** 1 (Monday) … 7 (Sunday). */
const isoWeekday = (day: Day) => new Date(day.ms).getUTCDay() || 7;
const pad = (n: number, width = 2) => String(n).padStart(width, "0");
const dayKey = (day: Day) => `${pad(day.year, 4)}-${pad(day.month)}-${pad(day.date)}`;
const chineseDate = (day: Day, withYear = true) => `${withYear ? `${pad(day.year, 4)}年` : ""}${day.month}月${day.date}日`;

/** A date key must name a real day ("2025-02-30" does not). */
function parseDateKey(value: string): Day | null {
  const match = DATE_KEY_PATTERN.exec(value);
  if (!match) return null;
  const day = dayOf(Number(match[1]), Number(match[2]), Number(match[3]));
  if (dayKey(day) !== value) throw new RangeError(`无效的日期：${value}`);
  return day;
}

let shanghaiParts: Intl.DateTimeFormat | null = null;

/** Shanghai's offset from UTC at an instant, in ms (only before 1991 does it need the tz data). */
function shanghaiOffset(ms: number): number {
  if (ms >= FIXED_OFFSET_SINCE) return 8 * HOUR_MS;
  shanghaiParts ??= new Intl.DateTimeFormat("en-US", {
    timeZone: OFFICE_TIME_ZONE,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  });
  const parts: Record<string, number> = {};
  for (const part of shanghaiParts.formatToParts(new Date(ms))) parts[part.type] = Number(part.value);
  const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return wall - (ms - (((ms % 1000) + 1000) % 1000));
}

/** An instant (Date, or a string with its offset) as Shanghai wall time, in UTC fields. */
function shanghaiWall(value: Date | string): Date {
  const ms = typeof value === "string" ? new Date(value).getTime() : value.getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`无效的日期：${String(value)}`);
  return new Date(ms + shanghaiOffset(ms));
}

/**
 * The Shanghai calendar day of a value: a date key ("2025-03-05") means that day; anything
 * else is an instant (ISO strings should carry their offset, as stored timestamps do).
 */
function calendarDay(value: Date | string): Day {
  if (typeof value === "string") {
    const day = parseDateKey(value);
    if (day) return day;
  }
  const wall = shanghaiWall(value);
  return dayOf(wall.getUTCFullYear(), wall.getUTCMonth() + 1, wall.getUTCDate());
}

/** Pure results keyed by their input, so a page with many cards converts each value once. */
function memoize<T>(fn: (key: string) => T): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    let value = cache.get(key);
    if (value === undefined) {
      if (cache.size > 20_000) cache.clear();
      value = fn(key);
      cache.set(key, value);
    }
    return value;
  };
}

const cacheKey = (value: Date | string) => (typeof value === "string" ? value : `@${value.getTime()}`);
const fromCacheKey = (key: string): Date | string => (key.startsWith("@") ? new Date(Number(key.slice(1))) : key);

/** Midnight at the start of a calendar day, in Shanghai, as an instant. */
function shanghaiMidnight(day: Day): Date {
  const guess = day.ms - 8 * HOUR_MS;
  if (guess >= FIXED_OFFSET_SINCE) return new Date(guess);
  // Before 1991 Shanghai had summers at UTC+9: take the offset in force at that wall time.
  const first = day.ms - shanghaiOffset(guess);
  return new Date(day.ms - shanghaiOffset(first));
}

function makeWeekKey(year: number, week: number): string {
  return `${year}-W${String(week).padStart(2, "0")}`;
}

/** The ISO week-year and week of a calendar day (the week belongs to the year of its Thursday). */
function isoWeekOf(day: Day): ParsedWeek {
  const thursday = addDays(day, 4 - isoWeekday(day));
  const week = 1 + Math.floor((thursday.ms - dayOf(thursday.year, 1, 1).ms) / (7 * DAY_MS));
  return { year: thursday.year, week };
}

/** 53 when 28 December (always in the year's last ISO week) is in week 53. */
const isoWeeksInYear = (year: number) => isoWeekOf(dayOf(year, 12, 28)).week;

/** Rejects malformed keys and weeks the year does not have (W53 only in long years). */
export function parseWeekKey(key: string): ParsedWeek {
  const match = WEEK_KEY_PATTERN.exec(key);
  if (!match) throw new RangeError(`周次格式无效：${key}（应为如 2025-W12）`);
  const year = Number(match[1]);
  const week = Number(match[2]);
  const weeksInYear = isoWeeksInYear(year);
  if (week < 1 || week > weeksInYear) {
    throw new RangeError(`${year}年没有第${week}周（该年共${weeksInYear}周）`);
  }
  return { year, week };
}

export function isWeekKey(key: string): boolean {
  try {
    parseWeekKey(key);
    return true;
  } catch {
    return false;
  }
}

/** The ISO week (Shanghai time) containing an instant, or a Shanghai date key. */
const weekKeyOfKey = /* @__PURE__ */ memoize((key) => {
  const { year, week } = isoWeekOf(calendarDay(fromCacheKey(key)));
  return makeWeekKey(year, week);
});

export function weekKeyOf(instant: Date | string): string {
  return weekKeyOfKey(cacheKey(instant));
}

/** The Monday of the week, as a calendar day (see `calendarDay`). */
function mondayOf(weekKey: string): Day {
  return parseDateKey(mondayKeyOf(weekKey))!;
}

const mondayKeyOf = /* @__PURE__ */ memoize((weekKey) => dayKey(computeMonday(weekKey)));

function computeMonday(weekKey: string): Day {
  const { year, week } = parseWeekKey(weekKey);
  // 4 January always lies in ISO week 1 of its year.
  const weekOne = dayOf(year, 1, 4);
  return addDays(weekOne, 1 - isoWeekday(weekOne) + (week - 1) * 7);
}

/** Monday 00:00 Shanghai (inclusive) to the next Monday 00:00 (exclusive), as instants. */
export function weekRange(weekKey: string): { start: Date; end: Date } {
  const monday = mondayOf(weekKey);
  return { start: shanghaiMidnight(monday), end: shanghaiMidnight(addDays(monday, 7)) };
}

/** "第12周（3月17日—3月23日）"; years are shown only when the week spans a year turn. */
/**
 * "第49周（11月30日—12月6日）". Given the plan's year, a week of another year says its year
 * ("2026年第49周（…）" on a 2025 plan), so it is never mistaken for the plan's own week.
 */
export function weekLabel(weekKey: string, planYear?: number): string {
  const { year, week } = parseWeekKey(weekKey);
  const monday = mondayOf(weekKey);
  const sunday = addDays(monday, 6);
  const spansYears = monday.year !== sunday.year;
  const yearPrefix = planYear !== undefined && year !== planYear ? `${year}年` : "";
  return `${yearPrefix}第${week}周（${chineseDate(monday, spansYears)}—${chineseDate(sunday, spansYears)}）`;
}

export const previousWeek = /* @__PURE__ */ memoize((weekKey) => weekKeyOf(dayKey(addDays(mondayOf(weekKey), -7))));

export const nextWeek = /* @__PURE__ */ memoize((weekKey) => weekKeyOf(dayKey(addDays(mondayOf(weekKey), 7))));

/** How many weeks `toKey` lies after `fromKey` (negative when before), without walking them. */
export function weekDistance(fromKey: string, toKey: string): number {
  return Math.round(daysBetween(mondayKeyOf(fromKey), mondayKeyOf(toKey)) / 7);
}

/** Both ends included; empty when `fromKey` is after `toKey`. */
export function weeksBetween(fromKey: string, toKey: string): string[] {
  parseWeekKey(toKey);
  const weeks: string[] = [];
  for (let key = fromKey; key <= toKey; key = nextWeek(key)) weeks.push(key);
  return weeks;
}

/** "2025-03-05": the Shanghai calendar date of an instant. */
const dateKeyOfKey = /* @__PURE__ */ memoize((key) => dayKey(calendarDay(fromCacheKey(key))));

export function toDateKey(d: Date | string): string {
  return dateKeyOfKey(cacheKey(d));
}

const formatDateOfKey = /* @__PURE__ */ memoize((key) => chineseDate(calendarDay(fromCacheKey(key))));

/** "2025年3月5日" in Shanghai time. */
export function formatDate(d: Date | string): string {
  return formatDateOfKey(cacheKey(d));
}

/** "2025年3月5日 14:05" in Shanghai time. */
export function formatDateTime(d: Date | string): string {
  const day = calendarDay(d);
  // A date key is that day's midnight.
  const wall = typeof d === "string" && DATE_KEY_PATTERN.test(d) ? new Date(day.ms) : shanghaiWall(d);
  return `${chineseDate(day)} ${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}`;
}

/** Whole calendar days from one date key to another (negative when `to` is earlier). */
const dayNumberOfKey = /* @__PURE__ */ memoize((key) => calendarDay(key).ms / DAY_MS);

export function daysBetween(fromKey: string, toKey: string): number {
  // Date keys are calendar days, so compare them as UTC midnights: no DST can interfere.
  return Math.round(dayNumberOfKey(toKey) - dayNumberOfKey(fromKey));
}

/** Monday-based week number since 1970 of a "YYYY-MM-DD" calendar day (pure arithmetic). */
export function weekNumberOfDate(dateKey: string): number {
  const [y, m, d] = dateKey.split("-").map(Number);
  const days = Date.UTC(y, m - 1, d) / DAY_MS; // 1970-01-01 was a Thursday
  return Math.floor((days + 3) / 7);
}

/** The same number for an ISO week key ("2025-W12"). */
export function weekNumberOfKey(weekKey: string): number {
  const year = Number(weekKey.slice(0, 4));
  const week = Number(weekKey.slice(6));
  const jan4 = Date.UTC(year, 0, 4) / DAY_MS;
  const monday = jan4 - ((new Date(jan4 * DAY_MS).getUTCDay() + 6) % 7) + (week - 1) * 7;
  return Math.floor((monday + 3) / 7);
}
