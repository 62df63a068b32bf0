// Whether the board offers to make today's year's plan (new-year-banner.tsx): only the loader
// decides, so the year arithmetic stays out of the board's browser bundle.
import { yearOfDateKey } from "~/lib/plan-year";
import type { NewYearBannerData } from "~/routes/board/new-year-banner";
import { can, type Actor } from "~/utils/permissions";

/** For leaders and admins when today's year (Shanghai) has no plan yet; otherwise null. */
export function newYearBannerFor(actor: Actor, years: readonly { year: number }[], today: string): NewYearBannerData | null {
  const thisYear = yearOfDateKey(today);
  if (!can(actor, "summary.manage") || years.some((y) => y.year === thisYear)) return null;
  return { year: thisYear, canStartFromPrevious: years.some((y) => y.year === thisYear - 1) };
}
