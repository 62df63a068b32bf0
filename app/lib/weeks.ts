/**
 * ISO weeks and calendar dates in Asia/Shanghai time.
 *
 * Every office using the board is in China, so a "week" and a "day" always mean
 * Shanghai's, whatever time zone the server or the browser runs in. Week keys look
 * like "2025-W12" (ISO week-year, zero-padded week) and therefore sort correctly as
 * plain strings.
 */
import dayjs, { type Dayjs } from "dayjs";
import isLeapYear from "dayjs/plugin/isLeapYear.js";
import isoWeek from "dayjs/plugin/isoWeek.js";
import isoWeeksInYear from "dayjs/plugin/isoWeeksInYear.js";
import timezone from "dayjs/plugin/timezone.js";
import utc from "dayjs/plugin/utc.js";

dayjs.extend(utc);
dayjs.extend(timezone);
dayjs.extend(isoWeek);
dayjs.extend(isLeapYear); // isoWeeksInYear depends on it
dayjs.extend(isoWeeksInYear);

export const OFFICE_TIME_ZONE = "Asia/Shanghai";

const WEEK_KEY_PATTERN = /^(\d{4})-W(\d{2})$/;
const DATE_KEY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export interface ParsedWeek {
  year: number;
  week: number;
}

/**
 * A date key ("2025-03-05") means that calendar day in Shanghai; anything else is an instant
 * (ISO strings should carry their offset, as stored timestamps do). Returns Shanghai wall time.
 */
function inShanghai(value: Date | string): Dayjs {
  const isDateKey = typeof value === "string" && DATE_KEY_PATTERN.test(value);
  const day = isDateKey ? dayjs.tz(value, OFFICE_TIME_ZONE) : dayjs(value).tz(OFFICE_TIME_ZONE);
  // dayjs accepts "2025-02-30" by rolling over; a date key must name a real day.
  if (!day.isValid() || (isDateKey && day.format("YYYY-MM-DD") !== value)) {
    throw new RangeError(`无效的日期：${String(value)}`);
  }
  return day;
}

/**
 * The Shanghai calendar day as a UTC-midnight dayjs. Calendar arithmetic (add a day, find
 * Monday) is done on these: dayjs's add/subtract on zoned values goes wrong when the
 * process's own zone has a DST change, and a calendar day has no time zone anyway.
 */
function calendarDay(value: Date | string): Dayjs {
  // A date key already names a Shanghai day: no time-zone conversion is needed (and the
  // conversion, through Intl, is by far the slowest step on a busy board page).
  if (typeof value === "string" && DATE_KEY_PATTERN.test(value)) {
    const day = dayjs.utc(value);
    if (!day.isValid() || day.format("YYYY-MM-DD") !== value) throw new RangeError(`无效的日期：${value}`);
    return day;
  }
  return dayjs.utc(inShanghai(value).format("YYYY-MM-DD"));
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
function shanghaiMidnight(day: Dayjs): Date {
  return dayjs.tz(day.format("YYYY-MM-DD"), OFFICE_TIME_ZONE).toDate();
}

function makeWeekKey(year: number, week: number): string {
  return `${year}-W${String(week).padStart(2, "0")}`;
}

/** Rejects malformed keys and weeks the year does not have (W53 only in long years). */
export function parseWeekKey(key: string): ParsedWeek {
  const match = WEEK_KEY_PATTERN.exec(key);
  if (!match) throw new RangeError(`周次格式无效：${key}（应为如 2025-W12）`);
  const year = Number(match[1]);
  const week = Number(match[2]);
  // Mid-year date: its ISO week-year is the calendar year, so isoWeeksInYear is right.
  const weeksInYear = dayjs(`${match[1]}-07-01`).isoWeeksInYear();
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
const weekKeyOfKey = memoize((key) => {
  const day = calendarDay(fromCacheKey(key));
  return makeWeekKey(day.isoWeekYear(), day.isoWeek());
});

export function weekKeyOf(instant: Date | string): string {
  return weekKeyOfKey(cacheKey(instant));
}

/** The Monday of the week, as a calendar day (see `calendarDay`). */
function mondayOf(weekKey: string): Dayjs {
  return dayjs.utc(mondayKeyOf(weekKey));
}

const mondayKeyOf = memoize((weekKey) => computeMonday(weekKey).format("YYYY-MM-DD"));

function computeMonday(weekKey: string): Dayjs {
  const { year, week } = parseWeekKey(weekKey);
  // 4 January always lies in ISO week 1 of its year.
  const weekOne = dayjs.utc(`${year}-01-04`);
  return weekOne.subtract(weekOne.isoWeekday() - 1, "day").add(week - 1, "week");
}

/** Monday 00:00 Shanghai (inclusive) to the next Monday 00:00 (exclusive), as instants. */
export function weekRange(weekKey: string): { start: Date; end: Date } {
  const monday = mondayOf(weekKey);
  return { start: shanghaiMidnight(monday), end: shanghaiMidnight(monday.add(1, "week")) };
}

/** "第12周（3月17日—3月23日）"; years are shown only when the week spans a year turn. */
export function weekLabel(weekKey: string): string {
  const { week } = parseWeekKey(weekKey);
  const monday = mondayOf(weekKey);
  const sunday = monday.add(6, "day");
  const spansYears = monday.year() !== sunday.year();
  const format = spansYears ? "YYYY年M月D日" : "M月D日";
  return `第${week}周（${monday.format(format)}—${sunday.format(format)}）`;
}

export const previousWeek = memoize((weekKey) => weekKeyOf(mondayOf(weekKey).subtract(1, "week").format("YYYY-MM-DD")));

export const nextWeek = memoize((weekKey) => weekKeyOf(mondayOf(weekKey).add(1, "week").format("YYYY-MM-DD")));

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
const dateKeyOfKey = memoize((key) => {
  const value = fromCacheKey(key);
  return typeof value === "string" && DATE_KEY_PATTERN.test(value) ? calendarDay(value).format("YYYY-MM-DD") : inShanghai(value).format("YYYY-MM-DD");
});

export function toDateKey(d: Date | string): string {
  return dateKeyOfKey(cacheKey(d));
}

const formatDateOfKey = memoize((key) => calendarDay(dateKeyOfKey(key)).format("YYYY年M月D日"));

/** "2025年3月5日" in Shanghai time. */
export function formatDate(d: Date | string): string {
  return formatDateOfKey(cacheKey(d));
}

/** "2025年3月5日 14:05" in Shanghai time. */
export function formatDateTime(d: Date | string): string {
  return inShanghai(d).format("YYYY年M月D日 HH:mm");
}

/** Whole calendar days from one date key to another (negative when `to` is earlier). */
const dayNumberOfKey = memoize((key) => calendarDay(key).valueOf() / 86_400_000);

export function daysBetween(fromKey: string, toKey: string): number {
  // Date keys are calendar days, so compare them as UTC midnights: no DST can interfere.
  return Math.round(dayNumberOfKey(toKey) - dayNumberOfKey(fromKey));
}
