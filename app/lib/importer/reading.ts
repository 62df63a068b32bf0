import type { SourceMap } from "~/lib/importer/source";
import type { Metric, PlanItem, PlanTarget, SectionNode } from "~/lib/importer/types";

/**
 * How an office reads a report beyond its figures: which year it plans, the period each figure
 * covers, which numbers only count the document's own parts, and which targets belong to which
 * plan item.
 */

const YEAR = /((?:19|20)\d{2})年/g;

function yearsIn(text: string): number[] {
  return [...text.matchAll(YEAR)].map((m) => Number(m[1]));
}

/** Multi-year horizons: 五年, 十四五/十五五, 到2030年, 2026—2030年, 远景. */
export const MULTI_YEAR =
  /十[一二三四五六七八九]五|五年|远景|到(?:19|20)\d{2}年|(?:19|20)\d{2}[-—－–~至到](?:19|20)?\d{2}年|今后一个时期|中长期/;

/**
 * The year the document plans: the year named by its plan section's heading ("三、2026年重点工作");
 * else the latest year of a title that names a plan ("2025年工作总结和2026年工作计划") or of a
 * 政府工作报告 (which plans the year in its title); else the year after the one it reports on;
 * else the 落款 date's year (the next one when signed in the last quarter).
 */
export function findPlanYear(
  title: string | null,
  sections: SectionNode[],
  reportedYear: number | null,
  date: string | null,
): number | null {
  for (const s of sections) {
    if (s.kind !== "plan") continue;
    const years = yearsIn(s.heading);
    if (years.length === 1) return years[0];
  }
  if (title) {
    const years = yearsIn(title);
    if (years.length >= 2) return Math.max(...years);
    if (years.length === 1 && /政府工作报告|工作要点|工作计划|工作安排|工作打算/.test(title) && !/总结/.test(title)) return years[0];
  }
  if (reportedYear !== null) return reportedYear + 1;
  if (date) {
    const [y, m] = date.split("-").map(Number);
    return m >= 10 ? y + 1 : y;
  }
  return null;
}

const PERIOD_MARKERS =
  /“?十[一二三四五六七八九]五”?(?:期间|时期|以来)?|(?:过去|近|这)?五年(?:来|间|累计|内)?|预计全年|全年|(\d{1,2})\s*[-—－–~至到]\s*(\d{1,2})\s*月(?:份)?|上半年|下半年|前三季度|(?:第?一)季度|今年以来|年初以来|截至目前|累计|到(?:19|20)\d{2}年/g;

/**
 * The period a figure covers, from the last period word before it in its sentence: "1-10月",
 * "上半年", "前三季度", "全年", "“十四五”期间", "五年", "到2030年". "累计"/"今年以来" in a summary
 * signed before the year's end cover the months up to the 落款 ("1-10月"). Otherwise 全年.
 */
export function periodOf(sentenceBefore: string, date: string | null): string {
  let last: RegExpExecArray | null = null;
  let multiYear: RegExpExecArray | null = null;
  for (const m of sentenceBefore.matchAll(PERIOD_MARKERS)) {
    last = m as RegExpExecArray;
    if (/十[一二三四五六七八九]五|五年/.test(m[0])) multiYear = m as RegExpExecArray;
  }
  if (!last) return "全年";
  // "“十四五”时期…五年累计…，城镇新增就业累计310万人": 累计 goes on counting the same five years.
  if (multiYear && /^(累计|今年以来|年初以来|截至目前)$/.test(last[0])) last = multiYear;
  const word = last[0];
  if (last[1] && last[2]) return `${Number(last[1])}-${Number(last[2])}月`;
  if (/十[一二三四五六七八九]五/.test(word)) return `“${/十[一二三四五六七八九]五/.exec(word)![0]}”期间`;
  if (/五年/.test(word)) return "五年";
  if (/全年/.test(word)) return "全年";
  if (/^到/.test(word)) return word;
  if (word === "上半年" || word === "下半年" || word === "前三季度") return word;
  if (/季度/.test(word)) return "一季度";
  // 累计 / 今年以来 / 截至目前: up to the month of the report.
  const months = monthsCovered(date);
  return months === null || months >= 12 ? "全年" : `1-${months}月`;
}

function monthsCovered(date: string | null): number | null {
  if (!date) return null;
  const [, m, d] = date.split("-").map(Number);
  // A report signed in January or February reviews the whole of the year before.
  if (m <= 2) return 12;
  return d >= 25 ? m : m - 1;
}

/** A figure estimated for the period ("预计全年完成2400万元"). */
export function isEstimate(sentenceBefore: string): boolean {
  const clause = sentenceBefore.slice(Math.max(sentenceBefore.lastIndexOf("，"), sentenceBefore.lastIndexOf("；")) + 1);
  return /预计|预测|预估/.test(clause);
}

/**
 * Numbers that count the document's own parts or milestones, not a measure: "主要做了6个方面工作",
 * "以下10个方面工作", "3个专项整治行动", "跨越3个千亿元台阶", "N大工程", "N项任务".
 */
export function isStructuralEnumeration(after: string, before: string, unit: string): boolean {
  if (!/^(个|项|大|条|方面)$/.test(unit)) return false;
  if (
    /^(方面|个方面|专项|千亿元台阶|万亿元台阶|百亿元台阶|台阶|大工程|大行动|大任务|大战略|大板块|项任务|项重点任务|项工作|项举措|件实事|方面工作|部分)/.test(
      after,
    )
  )
    return true;
  if (unit === "大" && /^(工程|行动|任务|战略|板块|攻坚|突破)/.test(after)) return true;
  if (unit === "个" && /^(方面|专项|台阶|板块|部分|千亿元台阶|万亿元台阶)/.test(after)) return true;
  if (unit === "项" && /^(任务|重点任务|工作|举措|重点工作)/.test(after) && /(以下|做好|抓好|做了|围绕|聚焦|重点|主要)$/.test(before))
    return true;
  return false;
}

/** The figure as one of an item's targets. */
function asTarget(m: Metric): PlanTarget {
  return { name: m.name, value: m.value, unit: m.unit, kind: m.kind, qualifier: m.qualifier, sentence: m.sentence };
}

/** Figures of the plan section written under each plan item become that item's targets. */
export function attachTargets(plan: PlanItem[], metrics: Metric[]): void {
  for (const item of plan) {
    item.targets = metrics
      .filter((m) => m.span.start >= item.span.start && m.span.end <= item.span.end && m.kind !== "actual" && m.kind !== "forecast")
      .map(asTarget);
  }
}

/** Words that are only a fragment of a measure: the clause before them says what grows or reaches. */
const FRAGMENT_NAMES =
  /^(增长|下降|提高|提升|增加|减少|强度|比重|占比|投资|规模|总额|总量|推动|达到|实现|完成|建设|新增|新建|改造|打造|实施|开展|培育|年均增长|)$/;
const CLAUSE_VERBS = /(提高到|提升到|提高至|提升至|稳定在|控制在|保持在|达到|完成|实现|超过|突破)$/;

/** The measure a figure belongs to, when the engine's name is a fragment: the clause before the figure. */
function clauseName(before: string): string {
  const clause = before.slice(
    Math.max(before.lastIndexOf("，"), before.lastIndexOf("；"), before.lastIndexOf("："), before.lastIndexOf("。")) + 1,
  );
  // "地区生产总值达到1.86万亿元、增长5.2%": the earlier figure of the clause is not part of the name.
  let name = clause
    .replace(/（[^（）]{0,30}）/g, "")
    .replace(/(达到|为|完成|实现|突破)?[\d.]+[^\d、，]{0,6}?、/g, "")
    .replace(/^(其中|全年|今年|力争|确保|全省|全市|全区|全街道|我们|并|和|及|同时|此外)+/, "")
    .trim();
  name = name
    .replace(/(不低于|不高于|不超过|以上|左右|约|近|超)$/, "")
    .replace(CLAUSE_VERBS, "")
    .trim();
  return name.length > 20 ? name.slice(name.length - 20) : name;
}

/** Period, estimate and a whole name for every figure, from its own sentence. */
export function readPeriods(map: SourceMap, metrics: Metric[], date: string | null, original: string): void {
  void map;
  const namesBySentence = new Map<number, Set<string>>();
  for (const m of metrics) {
    const before = original.slice(m.sentenceSpan.start, m.span.start);
    const seen = namesBySentence.get(m.sentenceSpan.start) ?? new Set<string>();
    namesBySentence.set(m.sentenceSpan.start, seen);
    // Names are the measure, never a fragment; two figures of one sentence get distinct names.
    if (FRAGMENT_NAMES.test(m.name) || m.name.length < 2) {
      const fuller = clauseName(before);
      if (fuller.length >= 2 && !seen.has(fuller)) m.name = fuller;
    }
    // "打造40个吸引力强、带动面广的消费场景": a verb alone names nothing; the noun after the figure does.
    if (FRAGMENT_NAMES.test(m.name) || m.name.length < 2) {
      const after = original.slice(m.span.end, m.sentenceSpan.end).replace(/^(左右|以上|以内|以下|多)/, "");
      const clause = after.slice(0, after.search(/[，；。：]|$/));
      const noun = clause.includes("的") ? clause.slice(clause.lastIndexOf("的") + 1) : clause;
      const named = clause.includes("的") ? noun : `${m.name}${noun}`;
      if (named.length >= 2) m.name = named.length > 20 ? named.slice(0, 20) : named;
    }
    // "优良天数比率不低于93%": the bound is a qualifier, not part of the name.
    const bound = /(不低于|不高于|不超过|不少于)$/.exec(m.name);
    if (bound && m.name.length - bound[0].length >= 2) {
      m.name = m.name.slice(0, -bound[0].length);
      m.qualifier = m.qualifier ?? bound[0];
    }
    seen.add(m.name);
    m.period = m.kind === "target" || m.kind === "cap" ? targetPeriod(before) : periodOf(before, date);
    m.estimated = m.kind === "forecast" || isEstimate(before);
  }
}

function targetPeriod(before: string): string {
  const p = periodOf(before, null);
  return p === "1-12月" ? "全年" : p;
}
