// Pieces of a route's `meta` that several pages share.
import type { MetaDescriptor } from "@remix-run/node";

/** A plan page's document title: "2025年指标对比 · 年度重点工作看板", without the year when there is no plan. */
export function planPageTitle(plan: { year: number } | null | undefined, page: string): string {
  return `${plan ? `${plan.year}年` : ""}${page} · 年度重点工作看板`;
}

/**
 * For pages with forms that post without JavaScript: under helmet's `Referrer-Policy: no-referrer`
 * such a post carries `Origin: null`, which the CSRF check in requireUser refuses.
 */
export const SAME_ORIGIN_REFERRER: MetaDescriptor = { name: "referrer", content: "same-origin" };
