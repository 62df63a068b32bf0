import type { SectionKind } from "~/lib/importer/types";
import { yearInText } from "~/lib/importer/meta";
import { MULTI_YEAR } from "~/lib/importer/reading";

/**
 * Section kinds from heading words. The kind whose keyword appears first in the heading wins,
 * so "亮点工作、成绩…" is highlights and "存在问题及下步打算" is problems (its children can
 * still be plan). A year ahead of the reported year makes a heading a plan ("四、2025年主要工作"
 * in a 2024 summary).
 */
const KEYWORDS: [SectionKind, RegExp][] = [
  ["highlights", /亮点|特色工作|特色亮点|创新工作|创新亮点|荣誉|获奖|表彰|先进经验/],
  [
    "work",
    /主要工作|工作开展|开展情况|推进情况|完成情况|落实情况|进展情况|执行情况|工作情况|回顾|过去一年|过去五年|一年来|主要做法|做法|成效|成绩|成果|取得|基本情况|总体情况|工作总结/,
  ],
  ["problems", /存在的?问题|问题|不足|困难|短板|差距|薄弱|挑战/],
  ["plan", /下一步|下步|安排|计划|打算|思路|谋划|展望|设想|目标|考虑|部署|明年|来年|今后/],
];

/** Words that look like a kind keyword but are not ("计划生育" is a line of work, not a plan). */
const FALSE_FRIENDS = /计划生育|计生/g;

const PAST_WORK = /回顾|完成情况|开展情况|推进情况|落实情况|进展情况|执行情况|成效|成绩|取得/;
const KEY_WORK = /重点工作|主要任务|重点任务|工作任务/;

export interface ClassifyContext {
  /** The year the document reports on (most frequent "20XX年" of the body). */
  reportedYear: number | null;
}

export function keywordKind(heading: string): SectionKind | null {
  const h = heading.replace(FALSE_FRIENDS, "　　");
  let best: SectionKind | null = null;
  let bestAt = Infinity;
  for (const [kind, re] of KEYWORDS) {
    const m = re.exec(h);
    if (m && m.index < bestAt) {
      best = kind;
      bestAt = m.index;
    }
  }
  return best;
}

/** Kinds of the top-level sections, in order; earlier sections inform later ones. */
export function classifyTopLevel(headings: string[], ctx: ClassifyContext): SectionKind[] {
  const years = headings.map((h) => yearInText(h));
  const minYear = Math.min(...years.filter((y): y is number => y !== null), Infinity);
  const kinds: SectionKind[] = [];
  let seenWork = false;
  headings.forEach((heading, i) => {
    let kind = keywordKind(heading);
    const year = years[i];
    const ahead = year !== null && ctx.reportedYear !== null && year > ctx.reportedYear;
    const laterThanAnother = year !== null && minYear < year;

    if ((kind === null || kind === "work") && ahead && !PAST_WORK.test(heading)) kind = "plan";
    if (kind === null && KEY_WORK.test(heading)) {
      kind = laterThanAnother || seenWork ? "plan" : "work";
    }
    if (kind === null && year !== null && ctx.reportedYear !== null && year === ctx.reportedYear) kind = "work";
    // "二、“十五五”时期的主要目标任务": a multi-year outlook, not the year's plan.
    if ((kind === "plan" || kind === null) && MULTI_YEAR.test(heading) && !PAST_WORK.test(heading)) kind = "vision";
    kinds.push(kind ?? "other");
    if (kind === "work") seenWork = true;
  });
  return kinds;
}

const STRONG_PROBLEMS = /存在的?(主要)?(问题|不足|困难|短板)|问题(和|与|及)?不足|不足之处|^(主要)?(问题|不足)$|短板和不足|困难和问题/;
const STRONG_PLAN = /下一步|下步|^(.{0,8})(工作)?(计划|打算|安排|思路|设想)$|明年|来年|今后(工作|打算)/;

/**
 * A child keeps its parent's kind unless its own (short) heading clearly says otherwise, e.g.
 * "（二）下一步工作打算" under "三、存在问题及下步打算".
 */
export function classifyChild(heading: string, parentKind: SectionKind, ctx: ClassifyContext): SectionKind {
  if (parentKind === "other") {
    const own = classifyTopLevel([heading], ctx)[0];
    return own;
  }
  const h = heading.replace(FALSE_FRIENDS, "　　");
  if (h.length > 30) return parentKind;
  if (parentKind !== "problems" && STRONG_PROBLEMS.test(h)) return "problems";
  if (parentKind !== "plan" && STRONG_PLAN.test(h)) return "plan";
  const year = yearInText(h);
  if (parentKind !== "plan" && year !== null && ctx.reportedYear !== null && year > ctx.reportedYear && keywordKind(h) === "plan") {
    return "plan";
  }
  return parentKind;
}

/** A grouping heading of a kind ("（一）存在的问题", "（二）下一步工作计划") whose items are its children. */
export function isGroupingHeading(heading: string, kind: SectionKind): boolean {
  const h = heading.replace(FALSE_FRIENDS, "　　");
  if (h.length > 30) return false;
  if (kind === "problems") return STRONG_PROBLEMS.test(h);
  if (kind === "plan") return STRONG_PLAN.test(h);
  return false;
}
