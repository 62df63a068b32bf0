// What the board's loader decides beside the cards: the page title and whether to offer making
// today's year's plan (new-year-banner.tsx). Only the loader uses these, so the title helper and
// the year arithmetic stay out of the board's browser bundle.
import { planPageTitle } from "~/components/page-meta";
import { yearOfDateKey } from "~/lib/plan-year";
import type { NewYearBannerData } from "~/routes/board/new-year-banner";
import { can, type Actor } from "~/utils/permissions";

/** "2025年看板 · 年度重点工作看板", or without the year when there is no plan. */
export function boardTitle(plan: { year: number } | null): string {
  return planPageTitle(plan, "看板");
}

/** For leaders and admins when today's year (Shanghai) has no plan yet; otherwise null. */
export function newYearBannerFor(actor: Actor, years: readonly { year: number }[], today: string): NewYearBannerData | null {
  const thisYear = yearOfDateKey(today);
  if (!can(actor, "summary.manage") || years.some((y) => y.year === thisYear)) return null;
  return { year: thisYear, canStartFromPrevious: years.some((y) => y.year === thisYear - 1) };
}
