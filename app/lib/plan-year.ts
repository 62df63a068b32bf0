/**
 * Which plan a page opens when no year is asked for, and whether a plan year has begun.
 * One rule for every page (board, 填报情况, 指标, 台账, 总结, 投屏): the plan of today's year
 * (Shanghai), else the newest plan whose year has passed. A future plan (next year's, imported
 * in December) opens only when chosen, so it never hides the year people are working in.
 */

/** The year of a Shanghai date key ("2026-12-06" → 2026). */
export function yearOfDateKey(today: string): number {
  return Number(today.slice(0, 4));
}

/** The default plan among `plans` for `today` ("YYYY-MM-DD"), or null when none has begun. */
export function defaultPlanFor<P extends { year: number }>(plans: readonly P[], today: string): P | null {
  const thisYear = yearOfDateKey(today);
  let best: P | null = null;
  for (const plan of plans) {
    if (plan.year > thisYear) continue;
    if (best === null || plan.year > best.year) best = plan;
  }
  return best;
}

/** The plan asked for by year, or the default one when no year is asked for. */
export function choosePlan<P extends { year: number }>(plans: readonly P[], year: number | null, today: string): P | null {
  if (year != null) return plans.find((plan) => plan.year === year) ?? null;
  return defaultPlanFor(plans, today);
}

/** False before 1 January of the plan's year: its tasks are 未开始 and nobody owes updates. */
export function planYearHasBegun(year: number, today: string): boolean {
  return yearOfDateKey(today) >= year;
}
