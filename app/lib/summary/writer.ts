/**
 * The summary writer: a year's tasks, metrics and reported 困难问题 → the first draft of its
 * 工作总结, in the seed's structure (title; opening; 一、亮点工作; 二、主要工作 by category as
 * （一）…（N）; 三、存在问题; 四、next year's 重点工作安排; 落款).
 *
 * Pure, and it never states a figure that is not in the data: every number goes through
 * `Figures.state`, which formats it as offices write it and records it with the place it
 * was written (the round-trip test reads them back with the importer). What it may say is
 * in ./style.ts; each measure is stated once, through the fact table in ./facts.ts.
 */
import { formatPercentPointDiff, growthRate, percentOfTarget } from "~/lib/kpi";
import { formatNumber, isPercentUnit } from "~/lib/metric-numbers";
import { WORK_AREAS } from "~/lib/plan-draft";
import { FactTable, groupMeasures, type Measure } from "~/lib/summary/facts";
import { periodOf, sourcePhrase } from "~/lib/summary/style";
import type {
  StatedFigure,
  SummaryBlocker,
  SummaryDocument,
  SummaryInput,
  SummaryMetric,
  SummaryOutlineItem,
  SummarySection,
  SummaryTask,
  WrittenSummary,
} from "~/lib/summary/types";

const CN_ORDINALS = [
  "一",
  "二",
  "三",
  "四",
  "五",
  "六",
  "七",
  "八",
  "九",
  "十",
  "十一",
  "十二",
  "十三",
  "十四",
  "十五",
  "十六",
  "十七",
  "十八",
  "十九",
  "二十",
];

export function cnOrdinal(n: number): string {
  return CN_ORDINALS[n - 1] ?? String(n);
}

/** "2025-06-30" → "2025年6月30日" (a calendar date, no time zone involved). */
export function dateText(dateKey: string): string {
  const [y, m, d] = dateKey.split("-").map(Number);
  return `${y}年${m}月${d}日`;
}

class Figures {
  readonly list: StatedFigure[] = [];
  ref: string | null = null;

  /** The figure as written ("2560万元", "106.7%"), recorded with the current place. */
  state(value: number, unit: string): string {
    const text = formatNumber(value, unit);
    this.record(Number(text.slice(0, text.length - unit.trim().length)), unit.trim(), text);
    return text;
  }

  /** A phrase from kpi.ts that carries one figure ("同比增长19.0%", "提高1.2个百分点"). */
  phrase(text: string): string {
    const m = /(\d+(?:\.\d+)?)(%|个百分点)/.exec(text);
    if (m) this.record(Number(m[1]), m[2], `${m[1]}${m[2]}`);
    return text;
  }

  private record(value: number, unit: string, text: string) {
    this.list.push({ ref: this.ref, value, unit, text });
  }
}

/** A task title as a clause: no closing punctuation of its own. */
function clause(text: string): string {
  return text.trim().replace(/[。；;，,、：:\s]+$/u, "");
}

function quoted(text: string): string {
  return `“${clause(text)}”`;
}

/** "党建" → "党建工作"; a heading that already reads as one is kept. */
export function categoryHeading(category: string): string {
  const c = category.trim();
  if (!c) return "其他工作";
  return c.endsWith("工作") || c.length > 8 ? c : `${c}工作`;
}

/** Work areas first in their usual order, then other categories as met, "" last. */
function categoryOrder(categories: Iterable<string>): string[] {
  const unique = [...new Set(categories)];
  const known = WORK_AREAS.map((a) => a.area).filter((a) => unique.includes(a));
  const others = unique.filter((c) => c && !known.includes(c));
  return [...known, ...others, ...(unique.includes("") ? [""] : [])];
}

function isDone(task: SummaryTask): boolean {
  return task.status === "done";
}

function doneEarly(task: SummaryTask): boolean {
  return isDone(task) && task.doneDate !== null && task.dueDate !== null && task.doneDate < task.dueDate;
}

function overdue(task: SummaryTask, asOf: string): boolean {
  return !isDone(task) && task.status !== "pending_review" && task.dueDate !== null && task.dueDate < asOf;
}

function lagging(task: SummaryTask): boolean {
  return !isDone(task) && (task.light === "red" || task.light === "yellow");
}

type TargetState = "beyond" | "met" | "unmet" | null;

/** How a metric stands against its target; null without a target or an actual. */
export function targetState(metric: SummaryMetric): TargetState {
  const { actual, target } = metric;
  if (actual === null || target === null) return null;
  if (metric.direction === "cap") return actual <= target ? "met" : "unmet";
  if (metric.direction === "down") return actual < target ? "beyond" : actual === target ? "met" : "unmet";
  const percent = percentOfTarget(metric, actual);
  if (percent === null) return null;
  return percent > 100 ? "beyond" : percent === 100 ? "met" : "unmet";
}

/**
 * Against last year, only when last year's figure covers the same period as this one (style
 * rule 4): "，同比增长0.8%", "，较上年下降0.4个百分点", or "".
 */
function comparedWithLastYear(metric: SummaryMetric, actual: number, period: string, figures: Figures): string {
  if (metric.baseline === null || metric.baselinePeriod !== period) return "";
  if (isPercentUnit(metric.unit)) {
    const diff = formatPercentPointDiff(actual, metric.baseline);
    return diff === "持平" ? "，与上年持平" : `，较上年${figures.phrase(diff)}`;
  }
  const growth = growthRate(actual, metric.baseline);
  return growth ? `，${figures.phrase(growth)}` : "";
}

/** The verb phrase of a figure: the leader's, else its source sentence's; null without one. */
export function metricPhrase(metric: Pick<SummaryMetric, "name" | "phrase" | "sourceSentence">): string | null {
  return metric.phrase?.trim() || sourcePhrase(metric.name, metric.sourceSentence);
}

/**
 * One measure as a clause (style rule 1): "全年排查商户3640次，完成年度目标的104%". With no
 * verb phrase the measure's name is the subject ("物业服务类共计342件"). Null when nothing
 * was reported.
 */
function metricClause(metric: SummaryMetric, period: string, figures: Figures): string | null {
  const { actual, target, unit } = metric;
  if (actual === null) return null;
  const name = metric.name.trim();
  const phrase = metricPhrase(metric);
  const actualText = figures.state(actual, unit);
  const when = period === "全年" ? "" : period;
  let text: string;
  if (isPercentUnit(unit)) text = `${when}${name}为${actualText}`;
  else if (metric.aggregation === "latest") text = `${name}累计达到${actualText}`;
  else if (phrase) text = `${period}${phrase}${actualText}`;
  else text = `${when}${name}共计${actualText}`;

  if (target !== null) {
    if (metric.direction === "cap") {
      text += actual <= target ? `，控制在${figures.state(target, unit)}以内` : `，超出${figures.state(target, unit)}的控制目标`;
    } else if (metric.direction === "down") {
      text += actual <= target ? `，低于年度目标${figures.state(target, unit)}` : `，高于年度目标${figures.state(target, unit)}`;
    } else {
      const percent = percentOfTarget(metric, actual);
      if (percent !== null) text += `，完成年度目标的${figures.state(percent, "%")}`;
    }
  }
  return text + comparedWithLastYear(metric, actual, period, figures);
}

function sentences(clauses: (string | null)[]): string {
  const kept = clauses.filter((c): c is string => Boolean(c));
  return kept.length ? `${kept.join("；")}。` : "";
}

function unitList(lead: string | null, support: string[]): string {
  if (!lead) return "";
  const others = support.filter((u) => u !== lead);
  const helpers = others.length > 3 ? `${others.slice(0, 3).join("、")}等单位` : others.join("、");
  return `由${lead}牵头${helpers ? `，${helpers}配合` : ""}，`;
}

function unitsPhrase(task: SummaryTask): string {
  return unitList(task.leadUnit, task.supportUnits);
}

function taskLead(task: SummaryTask): string {
  if (task.origin === "problem") return `整改${quoted(task.title)}问题。`;
  if (task.origin === "carried_over") return `${clause(task.title)}（上年结转）。`;
  return `${clause(task.title)}。`;
}

/** Where a task stands, in the document's words (style rule 2). */
function taskStatusSentence(task: SummaryTask, asOf: string, figures: Figures): string {
  const who = unitsPhrase(task);
  switch (task.status) {
    case "done":
      return `${who}${task.doneDate ? `已于${dateText(task.doneDate)}完成` : "已完成"}。`;
    case "pending_review":
      return `${who}已基本完成，正在组织验收。`;
    case "in_progress": {
      const standing = overdue(task, asOf) ? "未能按期完成" : lagging(task) ? "进度滞后于计划" : "正在推进";
      return `${who}目前完成${figures.state(task.progress, "%")}，${standing}。`;
    }
    case "not_started":
      return `${who}${overdue(task, asOf) ? "尚未启动，未能按期完成" : "尚未启动"}。`;
  }
}

function byCode(a: SummaryTask, b: SummaryTask): number {
  return a.code.localeCompare(b.code, "en", { numeric: true });
}

interface Context {
  input: SummaryInput;
  period: string;
  figures: Figures;
  facts: FactTable;
  measures: Measure[];
}

/** A measure told once (rule 3): its clause the first time, null when already stated. */
function tell(ctx: Context, measure: Measure): string | null {
  if (measure.metric.actual === null) return null;
  if (ctx.facts.has(measure.key)) {
    ctx.facts.record(measure.key, measure.metric.actual, ctx.period, ctx.figures.ref);
    return null;
  }
  ctx.facts.record(measure.key, measure.metric.actual, ctx.period, ctx.figures.ref);
  return metricClause(measure.metric, ctx.period, ctx.figures);
}

function measuresOfTask(ctx: Context, taskId: number): Measure[] {
  return ctx.measures.filter((m) => m.taskIds.length === 1 && m.taskIds[0] === taskId);
}

// ------------------------------------------------------------------ sections

function opening(ctx: Context): string {
  const { input, figures } = ctx;
  figures.ref = null;
  const tasks = input.tasks;
  const keyWork = tasks.filter((t) => t.origin !== "problem").length;
  const problems = tasks.filter((t) => t.origin === "problem").length;
  const scope: string[] = [];
  if (keyWork) scope.push(`${figures.state(keyWork, "项")}重点工作`);
  if (problems) scope.push(`${figures.state(problems, "项")}存在问题整改任务`);
  const counts: [string, number][] = [
    ["已完成", tasks.filter((t) => t.status === "done").length],
    ["基本完成、正在组织验收", tasks.filter((t) => t.status === "pending_review").length],
    ["正在推进", tasks.filter((t) => t.status === "in_progress").length],
    ["尚未启动", tasks.filter((t) => t.status === "not_started").length],
  ];
  const status = counts.filter(([, n]) => n > 0).map(([word, n]) => `${word}${figures.state(n, "项")}`);
  const judged = ctx.measures.map((m) => targetState(m.metric)).filter((s) => s !== null);
  const metricPart = judged.length
    ? `；设定目标的指标中，${figures.state(judged.filter((s) => s !== "unmet").length, "项")}完成年度目标`
    : "";
  const intro = scope.length
    ? `${input.year}年，${input.organization}围绕年初确定的${scope.join("和")}推进各项工作`
    : `${input.year}年，${input.organization}推进各项工作`;
  // 延期申请 a leader approved: "经批准延期2项".
  const extended = tasks.filter((t) => t.originalDueDate && t.originalDueDate !== t.dueDate).length;
  const extendedPart = extended ? `，其中经批准延期${figures.state(extended, "项")}` : "";
  const standing = status.length ? `截至${dateText(input.asOf)}，${status.join("，")}${extendedPart}${metricPart}。` : "";
  return `${intro}。${standing}现将有关情况总结如下：`;
}

function highlights(ctx: Context): string {
  const { input, figures } = ctx;
  figures.ref = "一";
  const paragraphs: string[] = [];
  for (const task of input.tasks.filter(doneEarly).sort(byCode)) {
    paragraphs.push(
      `${quoted(task.title)}提前完成。${unitsPhrase(task)}于${dateText(task.doneDate!)}完成，早于${dateText(task.dueDate!)}的完成时限。` +
        sentences(measuresOfTask(ctx, task.id).map((m) => tell(ctx, m))),
    );
  }
  const beyond = ctx.measures.filter((m) => !ctx.facts.has(m.key) && targetState(m.metric) === "beyond");
  for (const category of categoryOrder(beyond.map((m) => m.category))) {
    const told = sentences(beyond.filter((m) => m.category === category).map((m) => tell(ctx, m)));
    if (told) paragraphs.push(`${categoryHeading(category)}超额完成年度目标。${told}`);
  }
  return paragraphs.length ? paragraphs.join("\n") : "本年度暂无提前完成或超额完成年度目标的工作。";
}

function work(ctx: Context): string {
  const { input, figures } = ctx;
  const taskIds = new Set(input.tasks.map((t) => t.id));
  const planMeasures = ctx.measures.filter((m) => m.metric.actual !== null && !m.taskIds.some((id) => taskIds.has(id)));
  const categories = categoryOrder([...input.tasks.map((t) => t.category), ...planMeasures.map((m) => m.category)]);
  const lines: string[] = [];
  categories.forEach((category, index) => {
    const number = `（${cnOrdinal(index + 1)}）`;
    figures.ref = `二.${number}`;
    lines.push(`${number}${categoryHeading(category)}`);
    const tasks = input.tasks.filter((t) => t.category === category).sort(byCode);
    for (const task of tasks) {
      const own = measuresOfTask(ctx, task.id).map((m) => tell(ctx, m));
      lines.push(taskLead(task) + taskStatusSentence(task, input.asOf, figures) + sentences(own));
    }
    // A measure several tasks report is one figure, told once after them.
    const shared = ctx.measures.filter((m) => m.taskIds.length > 1 && m.category === category);
    const sharedText = sentences(shared.map((m) => tell(ctx, m)));
    if (sharedText) lines.push(`上述工作中，${sharedText}`);
    const ofPlan = sentences(planMeasures.filter((m) => m.category === category).map((m) => tell(ctx, m)));
    if (ofPlan) lines.push(`主要指标完成情况：${ofPlan}`);
  });
  return lines.length ? lines.join("\n") : "本年度未设定重点工作。";
}

interface ProblemsResult {
  body: string;
  /** Categories whose targets were missed, for 四. */
  unmetCategories: { category: string; names: string[] }[];
}

function latestBlockers(input: SummaryInput): SummaryBlocker[] {
  const open = new Set(input.tasks.filter((t) => !isDone(t)).map((t) => t.id));
  const seen = new Set<string>();
  const out: SummaryBlocker[] = [];
  for (const blocker of input.blockers) {
    const text = clause(blocker.text);
    const key = `${blocker.taskId}\u0000${blocker.unit}`;
    if (!text || !open.has(blocker.taskId) || seen.has(key)) continue;
    seen.add(key);
    out.push({ ...blocker, text });
  }
  return out;
}

function problems(ctx: Context): ProblemsResult {
  const { input, figures } = ctx;
  const items: (() => string)[] = [];
  const late = input.tasks.filter(lagging).sort(byCode);
  if (late.length) {
    items.push(() => {
      const clauses = late.map((task) => {
        const parts = [`${quoted(task.title)}目前完成${figures.state(task.progress, "%")}`];
        if (overdue(task, input.asOf)) parts.push(`完成时限为${dateText(task.dueDate!)}，未能按期完成`);
        else parts.push("进度滞后于计划");
        return parts.join("，");
      });
      return `部分重点工作进展滞后。${sentences(clauses)}`;
    });
  }
  const unmet = ctx.measures.filter((m) => targetState(m.metric) === "unmet");
  if (unmet.length) {
    items.push(() => {
      const fresh = unmet.filter((m) => !ctx.facts.has(m.key));
      const known = unmet.filter((m) => ctx.facts.has(m.key)).map((m) => m.metric.name.trim());
      const told = known.length ? `${known.join("、")}指标未达到年度目标，需在下一年度重点推进。` : "";
      return `部分指标未完成年度目标。${told}${sentences(fresh.map((m) => tell(ctx, m)))}`;
    });
  }
  const blockers = latestBlockers(input);
  if (blockers.length) {
    const titles = new Map(input.tasks.map((t) => [t.id, t.title]));
    items.push(
      () =>
        `基层反映的困难问题尚待解决。` +
        sentences(
          blockers.map(
            (b) =>
              `${b.unit}在推进${quoted(titles.get(b.taskId) ?? "")}中反映${b.needsCoordination && !b.text.includes("协调") ? "（需街道协调）" : ""}：${b.text}`,
          ),
        ),
    );
  }
  const body = items.length
    ? items
        .map((write, index) => {
          figures.ref = `三.${index + 1}`;
          return `${index + 1}.${write()}`;
        })
        .join("\n")
    : "本年度各项重点工作均已完成或按计划推进，所设指标均已完成，未收到基层反映的困难问题。";

  const unmetCategories = categoryOrder(unmet.map((m) => m.category)).map((category) => ({
    category,
    names: [...new Set(unmet.filter((m) => m.category === category).map((m) => m.metric.name.trim()))],
  }));
  return { body, unmetCategories };
}

/** 四 from 明年工作思路: one item per line, grouped by category in the usual order. */
function planFromOutline(outline: SummaryOutlineItem[], next: number, figures: Figures): string {
  const ordered = categoryOrder(outline.map((i) => i.category)).flatMap((c) => outline.filter((i) => i.category === c));
  return ordered
    .map((item, index) => {
      figures.ref = `四.${index + 1}`;
      const title = clause(item.title);
      const lead = item.kind === "continue" ? `继续推进${quoted(title)}` : item.kind === "problem" ? `整改${quoted(title)}问题` : title;
      const due = item.dueDate ? `${dateText(item.dueDate)}前完成` : "";
      const who = unitList(item.leadUnit, item.supportUnits);
      const targets = item.targets.length
        ? `${next}年力争${item.targets.map((t) => `${t.phrase}${figures.state(t.value, t.unit)}`).join("、")}`
        : "";
      const tail = [who.replace(/，$/u, ""), targets, due].filter(Boolean).join("，");
      return `${index + 1}.${lead}。${tail ? `${tail}。` : ""}`;
    })
    .join("\n");
}

function plan(ctx: Context, unmetCategories: ProblemsResult["unmetCategories"]): string {
  const { input, figures } = ctx;
  const next = input.year + 1;
  if (input.outline?.length) return planFromOutline(input.outline, next, figures);
  const items: (() => string)[] = [];
  // Tasks waiting for 验收 are finished work: they are verified, not carried into next year.
  for (const task of input.tasks.filter((t) => t.status === "in_progress" || t.status === "not_started").sort(byCode)) {
    items.push(() => {
      const progress = task.progress > 0 ? `${input.year}年已完成${figures.state(task.progress, "%")}，` : "";
      const lead = task.origin === "problem" ? `继续整改${quoted(task.title)}问题` : `继续推进${quoted(task.title)}`;
      return `${lead}。${unitsPhrase(task)}${progress}${next}年继续推进，确保按期完成。`;
    });
  }
  for (const { category, names } of unmetCategories) {
    const listed = names.length > 3 ? `${names.slice(0, 3).join("、")}等` : names.join("、");
    items.push(() => `加大${categoryHeading(category)}力度，推动${listed}指标完成年度目标。`);
  }
  if (!items.length) {
    items.push(() => `巩固提升${input.year}年各项重点工作成果，结合上级部署研究确定${next}年重点工作。`);
  }
  return items
    .map((write, index) => {
      figures.ref = `四.${index + 1}`;
      return `${index + 1}.${write()}`;
    })
    .join("\n");
}

export function writeSummary(input: SummaryInput): WrittenSummary {
  const figures = new Figures();
  const taskCategory = new Map(input.tasks.map((t) => [t.id, t.category]));
  const ctx: Context = {
    input,
    period: periodOf(input.year, input.asOf),
    figures,
    facts: new FactTable(),
    measures: groupMeasures(input.metrics, (m) => (m.taskId !== null ? (taskCategory.get(m.taskId) ?? m.category) : m.category)),
  };
  const openingText = opening(ctx);
  const highlightsText = highlights(ctx);
  const workText = work(ctx);
  const problemsResult = problems(ctx);
  const planText = plan(ctx, problemsResult.unmetCategories);
  const sections: SummarySection[] = [
    { key: "title", heading: "", body: `${input.organization}${input.year}年工作总结` },
    { key: "opening", heading: "", body: openingText },
    { key: "highlights", heading: "亮点工作", body: highlightsText },
    { key: "work", heading: `${input.year}年主要工作`, body: workText },
    { key: "problems", heading: "存在问题", body: problemsResult.body },
    { key: "plan", heading: `${input.year + 1}年重点工作安排`, body: planText },
    { key: "signature", heading: "", body: `${input.issuer}\n${dateText(input.asOf)}` },
  ];
  const document: SummaryDocument = { year: input.year, sections };
  return { document, figures: figures.list, facts: ctx.facts.list() };
}
