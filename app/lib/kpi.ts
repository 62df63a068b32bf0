/**
 * Metric arithmetic for the KPI page: actual to date, % of target, the metric's light, and
 * numbers written the way a 工作总结 writes them.
 *
 * Aggregation (what "actual to date" means):
 * - "sum": each value is the amount a unit did in that week (排查商户 120 次); the actual is the
 *   sum over all weeks and units. If a unit has two values for the same week, the one reported
 *   last is a correction and replaces the other rather than adding to it.
 * - "latest": each value is a running figure (累计完成投资 2151 万元); the actual is the sum over
 *   units of each unit's most recent value, "most recent" meaning the latest week, then the latest
 *   report. A value filed late for an earlier week never replaces a later week's value.
 * - Percent metrics ("%", "个百分点") are never summed, whatever their aggregation says: the
 *   actual is the plain mean of each unit's most recent value. Usually one office reports a rate,
 *   so this is simply its latest value; when several communities each report their own rate, the
 *   mean is a fair street-wide figure, while "the latest value overall" would jump to whichever
 *   unit happened to report last.
 */
import { DEFAULT_LIGHT_THRESHOLDS } from "~/lib/light-labels";
import { isPercentUnit, roundTo } from "~/lib/metric-numbers";
import type { LightThresholds } from "~/lib/lights";

import type { MetricAggregation, MetricDirection } from "~/lib/domain";
export type { MetricAggregation, MetricDirection };
// The number helpers live apart so the board's cards carry them without the KPI arithmetic.

export interface Metric {
  /** up: more is better; down: reduce from baseline to target; cap: stay at or under (控制在…以内); floor: stay at or above (不低于). */
  direction: MetricDirection;
  aggregation: MetricAggregation;
  unit: string;
  /** Last year's actual. */
  baseline: number | null;
  target: number | null;
}

/** A metric of a plan as listed and shown on its own page. */
export interface NamedMetric extends Metric {
  id: number;
  name: string;
  category: string;
}

export interface MetricValue {
  unitId: string | number;
  weekKey: string;
  value: number;
  reportedAt: Date | string;
}

export type MetricLight = "green" | "yellow" | "red";

export interface MetricLightResult {
  /** null when there is nothing to judge (no target, no values). */
  light: MetricLight | null;
  reasons: string[];
}

/**
 * Width of the yellow band next to a cap or floor: 5% of the target, but never more than
 * half a percentage point for percent metrics (a 95% floor must not warn at 98%).
 */
const LIMIT_WARNING_SHARE = 0.05;
const LIMIT_WARNING_MAX_PERCENT_POINTS = 0.5;

function reportedTime(value: MetricValue): number {
  return new Date(value.reportedAt).getTime();
}

/** True when `a` supersedes `b`: a later week, or the same week reported later. */
function isNewer(a: MetricValue, b: MetricValue): boolean {
  if (a.weekKey !== b.weekKey) return a.weekKey > b.weekKey; // week keys sort as strings
  return reportedTime(a) > reportedTime(b);
}

function latestBy<K>(values: MetricValue[], keyOf: (value: MetricValue) => K): MetricValue[] {
  const latest = new Map<K, MetricValue>();
  for (const value of values) {
    const key = keyOf(value);
    const current = latest.get(key);
    if (!current || isNewer(value, current)) latest.set(key, value);
  }
  return [...latest.values()];
}

function total(values: MetricValue[]): number {
  return values.reduce((sum, value) => sum + value.value, 0);
}

/** Actual to date (see the module comment); null when nothing has been reported. */
export function aggregateActual(metric: Metric, values: MetricValue[]): number | null {
  if (values.length === 0) return null;
  let actual: number;
  if (isPercentUnit(metric.unit)) {
    const unitLatest = latestBy(values, (value) => value.unitId);
    actual = total(unitLatest) / unitLatest.length;
  } else if (metric.aggregation === "sum") {
    actual = total(latestBy(values, (value) => `${value.unitId}\u0000${value.weekKey}`));
  } else {
    actual = total(latestBy(values, (value) => value.unitId));
  }
  return roundTo(actual, 6); // drop float noise such as 0.1 + 0.2
}

/** Each unit's contribution, by the same rule as the whole. */
export function actualByUnit(metric: Metric, values: MetricValue[]): Map<MetricValue["unitId"], number> {
  const byUnit = new Map<MetricValue["unitId"], MetricValue[]>();
  for (const value of values) byUnit.set(value.unitId, [...(byUnit.get(value.unitId) ?? []), value]);
  const contributions = new Map<MetricValue["unitId"], number>();
  for (const [unitId, unitValues] of byUnit) contributions.set(unitId, aggregateActual(metric, unitValues) ?? 0);
  return contributions;
}

/** The actual as it stood at the end of each given week (for the weekly trend line). */
export function actualTrend(metric: Metric, values: MetricValue[], weekKeys: string[]): (number | null)[] {
  return weekKeys.map((week) =>
    aggregateActual(
      metric,
      values.filter((value) => value.weekKey <= week),
    ),
  );
}

/**
 * % of target, to one decimal (106.7 means 106.7%); null when it cannot be computed.
 * - up, floor: actual ÷ target (≥ 100 means met).
 * - cap: actual ÷ target, the share of the cap used (≤ 100 means within it).
 * - down: target ÷ actual, capped at 100: 100 means at or below the target.
 * Zero, negative or missing targets give null, never Infinity or NaN.
 */
export function percentOfTarget(metric: Metric, actual: number | null): number | null {
  const { target } = metric;
  if (actual === null || target === null || !(target > 0)) return null;
  if (metric.direction === "down") return actual <= target ? 100 : roundTo((target / actual) * 100, 1);
  return roundTo((actual / target) * 100, 1);
}

function limitWarningBand(metric: Metric, target: number): number {
  const band = Math.abs(target) * LIMIT_WARNING_SHARE;
  return isPercentUnit(metric.unit) ? Math.min(band, LIMIT_WARNING_MAX_PERCENT_POINTS) : band;
}

/** Progress toward a goal (a percentage) against 序时进度, with the task light's thresholds. */
function lightAgainstSchedule(
  progress: number,
  expectedProgress: number,
  thresholds: Pick<LightThresholds, "yellowBehind" | "redBehind">,
): MetricLightResult {
  if (progress >= 100) return { light: "green", reasons: ["已完成目标"] };
  const behind = roundTo(expectedProgress - progress, 1);
  if (behind <= thresholds.yellowBehind) return { light: "green", reasons: [] };
  const reason = `落后序时进度${behind}个百分点`;
  return { light: behind <= thresholds.redBehind ? "yellow" : "red", reasons: [reason] };
}

/**
 * The metric's light. Accumulating metrics ("sum") are judged differently from level metrics:
 * - up, and floor + sum: % of target against 序时进度 (green within `yellowBehind` points,
 *   yellow within `redBehind`, else red) — a minimum to reach by year end is a goal to progress to.
 * - down + latest: progress along the baseline → target path against 序时进度. Without a
 *   baseline above the target there is no path, so it is 100% once at or below target, else 0%.
 * - cap, and down + sum: a ceiling — a running total of bad things (accidents, 信访) must stay
 *   under its target. Green at or below the cap minus the warning band, yellow within the band
 *   ("接近控制目标"), red once over.
 * - floor + latest: the mirror — red below the floor, yellow within the band above it, else green.
 * The band is 5% of the target, at most 0.5 percentage points for percent metrics.
 */
export function metricLight(
  metric: Metric,
  actual: number | null,
  expectedProgress: number,
  thresholds: Pick<LightThresholds, "yellowBehind" | "redBehind"> = DEFAULT_LIGHT_THRESHOLDS,
): MetricLightResult {
  const { target, baseline, direction, aggregation } = metric;
  if (target === null) return { light: null, reasons: ["未设目标"] };
  if (actual === null) return { light: null, reasons: ["暂无数据"] };

  if (direction === "cap" || (direction === "down" && aggregation === "sum")) {
    if (actual > target) return { light: "red", reasons: ["超出控制目标"] };
    if (actual > target - limitWarningBand(metric, target)) return { light: "yellow", reasons: ["接近控制目标"] };
    return { light: "green", reasons: [] };
  }

  if (direction === "floor" && aggregation === "latest") {
    if (actual < target) return { light: "red", reasons: ["低于目标下限"] };
    if (actual < target + limitWarningBand(metric, target)) return { light: "yellow", reasons: ["接近目标下限"] };
    return { light: "green", reasons: [] };
  }

  if (direction === "down") {
    const pathProgress =
      baseline !== null && baseline > target ? ((baseline - actual) / (baseline - target)) * 100 : actual <= target ? 100 : 0;
    return lightAgainstSchedule(pathProgress, expectedProgress, thresholds);
  }

  // up, and floor + sum
  const percent = percentOfTarget(metric, actual);
  if (percent === null) return { light: null, reasons: ["目标值须大于0"] };
  return lightAgainstSchedule(percent, expectedProgress, thresholds);
}

/** "提高1.2个百分点" / "下降0.5个百分点" / "持平", for two rates in percent. */
export function formatPercentPointDiff(current: number, previous: number): string {
  const diff = roundTo(current - previous, 1);
  if (diff === 0) return "持平";
  return `${diff > 0 ? "提高" : "下降"}${Math.abs(diff)}个百分点`;
}

/**
 * The KPI detail's 与上年相比, between comparable figures only: 同比 when last year's figure is a
 * whole year's (or its period is unknown) and this year's is too — a level (`latest`) or a sum
 * once the year is over. A sum part-way through the year is not a year: it is said as a share of
 * last year's whole ("已达上年全年的60.4%"). A part-year base ("1-10月") gives nothing.
 */
export function comparisonWithLastYear(input: {
  actual: number | null;
  baseline: number | null;
  baselinePeriod: string | null;
  aggregation: "sum" | "latest";
  yearOver: boolean;
}): string | null {
  const { actual, baseline, baselinePeriod, aggregation, yearOver } = input;
  if (actual == null || baseline == null || baseline <= 0) return null;
  if (baselinePeriod !== null && baselinePeriod !== "全年") return null;
  if (aggregation === "sum" && !yearOver) return `已达上年全年的${roundTo((actual / baseline) * 100, 1).toFixed(1)}%`;
  return growthRate(actual, baseline);
}

/** "同比增长19.0%" / "同比下降3.2%" / "同比持平"; null without a usable previous value. */
export function growthRate(current: number | null | undefined, previous: number | null | undefined): string | null {
  if (current == null || previous == null || previous === 0) return null;
  const rate = roundTo(((current - previous) / Math.abs(previous)) * 100, 1);
  if (rate === 0) return "同比持平";
  return `同比${rate > 0 ? "增长" : "下降"}${Math.abs(rate).toFixed(1)}%`;
}
