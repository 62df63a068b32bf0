// The one way to switch plan years: a row of links (works without JavaScript, one click, and
// the current year is marked for screen readers). Pages pass where each year leads.
import { Link } from "@remix-run/react";
import type { ReactNode } from "react";

export function YearPicker({
  years,
  current,
  to,
  label = "切换年度",
  linkText = (year) => `${year}年`,
}: {
  years: readonly { year: number }[];
  /** The year shown now (null on an empty page: every year is a way out). */
  current: number | null;
  to: (year: number) => string;
  label?: string;
  linkText?: (year: number) => string;
}) {
  if (years.length === 0 || (current != null && years.length === 1 && years[0].year === current)) return null;
  return (
    <nav className="year-switcher no-print" aria-label={label}>
      {years.map(({ year }) => (
        <Link
          key={year}
          to={to(year)}
          className={year === current ? "is-current" : undefined}
          aria-current={year === current ? "page" : undefined}
        >
          {linkText(year)}
        </Link>
      ))}
    </nav>
  );
}

/** A page of one plan when there is no such plan: what the page will show, and the years there are. */
export function NoPlanPage({
  title,
  requestedYear,
  years,
  path,
  emptyTitle = requestedYear ? `没有${requestedYear}年度计划` : "还没有年度计划",
  banner,
  children,
}: {
  title: string;
  requestedYear: number | null;
  years: readonly { year: number }[];
  /** The page's path; each year links to it with `?year=`. */
  path: string;
  /** What the page says is missing, when the default ("没有2025年度计划", "还没有年度计划") does not fit. */
  emptyTitle?: string;
  /** Shown above the empty state (the board's offer to make this year's plan). */
  banner?: ReactNode;
  children: ReactNode;
}) {
  return (
    <section className="page">
      <h1>{title}</h1>
      {banner}
      <div className="empty-state">
        <p className="empty-title">{emptyTitle}</p>
        <p>{children}</p>
        <YearPicker years={years} current={null} to={(year) => `${path}?year=${year}`} linkText={(year) => `查看${year}年`} />
      </div>
    </section>
  );
}
