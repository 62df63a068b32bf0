// From a parsed 工作总结 to the draft of next year's plan: its 重点工作安排 and 存在问题 become
// task drafts, its figures become metric drafts with last year's values as baselines.
// Pure: the import preview, the first-start seed and the tests share it.
import type { MetricAggregation, MetricDirection, TaskOrigin } from "~/lib/domain";
import type { Metric as ParsedMetric, ParsedSummary, PlanTarget, SectionNode } from "~/lib/importer";

/** What a summary item becomes: a key-work task (四) or a problem to fix (三). */
export type DraftOrigin = Extract<TaskOrigin, "key_work" | "problem">;

export interface TaskDraft {
  /** Stable key within the draft, e.g. "plan:四.5" or "problem:三.2". */
  key: string;
  origin: DraftOrigin;
  originRef: string | null;
  title: string;
  description: string;
  category: string;
  /** Names of work areas matched in the text, most relevant first (see WORK_AREAS). */
  areas: string[];
  /** "plan": the plan year's 重点工作; "vision": a multi-year 远景目标 (offered unticked); "problem". */
  group: "plan" | "vision" | "problem";
  /** Numeric targets written under the item, offered (ticked) as the task's target metrics. */
  targets: TargetDraft[];
}

/** A target of a task, with last year's figure of the same measure as its baseline when there is one. */
export interface TargetDraft {
  key: string;
  name: string;
  unit: string;
  target: number;
  qualifier: string | null;
  kind: ParsedMetric["kind"];
  sentence: string;
  direction: MetricDraft["direction"];
  aggregation: MetricDraft["aggregation"];
  baseline: number | null;
  baselinePeriod: string | null;
  baselineEstimated: boolean;
  /** The review figure used as baseline (it is then not offered again among the other figures). */
  baselineKey: string | null;
}

export interface MetricDraft {
  key: string;
  name: string;
  unit: string;
  /**
   * Last year's figure: the full-year one. A part-year actual ("1-10月…2151万元") followed by
   * "预计全年…2400万元" gives the estimate (baselineEstimated) and keeps the actual in `partial`.
   */
  baseline: number;
  forecast: number | null;
  /** The period `baseline` covers ("全年", "1-10月", "“十四五”期间"…). */
  baselinePeriod: string;
  baselineEstimated: boolean;
  partial: { value: number; period: string } | null;
  kind: ParsedMetric["kind"];
  approximate: boolean;
  ref: string | null;
  category: string;
  sentence: string;
  direction: MetricDirection;
  aggregation: MetricAggregation;
}

export interface PlanDraft {
  year: number | null;
  organization: string | null;
  tasks: TaskDraft[];
  metrics: MetricDraft[];
}

const TITLE_MAX = 60;

/** Work areas of a 街道办事处 and the words that point to them; offices map onto these. */
export const WORK_AREAS: ReadonlyArray<{ area: string; words: readonly string[] }> = [
  { area: "党建", words: ["党建", "党组织", "党员", "党风廉政", "廉政", "纪工委", "腐败", "党性", "思想教育", "理论"] },
  { area: "经济", words: ["经济", "招商", "投资", "销售额", "零售额", "企业服务", "营商", "普查"] },
  { area: "政务服务", words: ["政务", "办事效率", "服务质量", "群众诉求", "热线", "信息化"] },
  { area: "城市管理", words: ["城市管理", "物业", "环境", "防汛", "抗旱", "房屋", "市容", "执法"] },
  { area: "安全生产", words: ["安全", "隐患", "消防", "燃气", "应急"] },
  { area: "民生保障", words: ["低保", "救助", "就业", "养老", "残疾", "老龄", "退役军人", "民生", "社保"] },
  { area: "宣传", words: ["宣传", "宣讲", "普法", "法治"] },
  { area: "乡村振兴", words: ["乡村", "农业", "农村", "粮食", "农田", "种植", "农民"] },
  { area: "生态环保", words: ["生态", "绿色", "能耗", "空气质量", "森林", "污染", "碳排放", "节能", "减排"] },
  { area: "科技创新", words: ["科技", "研发", "高新技术", "新质生产力", "专精特新", "实验室"] },
  { area: "改革开放", words: ["改革", "开放", "外贸", "外资", "进出口", "经营主体"] },
];

/** Work areas mentioned in a text, by how often their words occur (most first). */
export function matchWorkAreas(text: string): string[] {
  const scored = WORK_AREAS.map(({ area, words }) => ({
    area,
    score: words.reduce((sum, word) => sum + countOccurrences(text, word), 0),
  })).filter((entry) => entry.score > 0);
  scored.sort((a, b) => b.score - a.score);
  return scored.map((entry) => entry.area);
}

function countOccurrences(text: string, word: string): number {
  let count = 0;
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + word.length)) count++;
  return count;
}

/** A task title: the item's heading, or its first clause, kept short enough for a card. */
export function taskTitle(text: string): string {
  const firstSentence = text.split(/[。；;！!？?\n]/)[0].trim();
  const title = firstSentence.length > 0 ? firstSentence : text.trim();
  return title.length > TITLE_MAX ? `${title.slice(0, TITLE_MAX - 1)}…` : title;
}

function findSection(sections: SectionNode[], ref: string | null): SectionNode | null {
  if (!ref) return null;
  for (const section of sections) {
    if (section.ref === ref) return section;
    const inner = findSection(section.children, ref);
    if (inner) return inner;
  }
  return null;
}

/** The category of a figure: the heading of the second-level item it sits in, else the top. */
function categoryOf(sections: SectionNode[], ref: string | null): string {
  if (!ref) return "";
  const parts = ref.split(".");
  const second = parts.length >= 2 ? findSection(sections, parts.slice(0, 2).join(".")) : null;
  const section = second ?? findSection(sections, parts[0]);
  return section ? shortHeading(section.heading) : "";
}

function shortHeading(heading: string): string {
  const clean = heading.replace(/[。：:].*$/, "").trim();
  return clean.length > 24 ? `${clean.slice(0, 23)}…` : clean;
}

const LOWER_IS_BETTER = /失业率|发案|事故|伤亡|投诉|信访|上访|火灾|违法|违规|欠薪/;

function metricDirection(metric: ParsedMetric): MetricDraft["direction"] {
  if (metric.kind === "cap") return "cap";
  if (LOWER_IS_BETTER.test(metric.name)) return "down";
  return "up";
}

function isPercent(unit: string): boolean {
  return unit === "%" || unit === "个百分点";
}

/**
 * Metric drafts from the figures of the work sections: the actual as baseline, with a
 * forecast of the same thing that follows it kept beside it.
 */
function metricDrafts(parsed: ParsedSummary): MetricDraft[] {
  const workRefs = new Set(parsed.sections.filter((s) => s.kind === "work").map((s) => s.number));
  const drafts: MetricDraft[] = [];
  const seen = new Set<string>();
  for (const metric of parsed.metrics) {
    const top = metric.ref?.split(".")[0] ?? null;
    if (!top || !workRefs.has(top)) continue;
    if (metric.kind === "target") continue;
    // "1-9月完成销售额861万元，预计全年销售额1848万元": the forecast belongs to the figure
    // just before it; other figures of the same name (another company's) stay separate.
    const previous = drafts[drafts.length - 1];
    if (
      metric.kind === "forecast" &&
      previous &&
      previous.forecast == null &&
      previous.name === metric.name &&
      previous.unit === metric.unit &&
      previous.ref === metric.ref
    ) {
      previous.forecast = metric.value;
      // A part-year actual with a full-year forecast: the full year is the baseline (预计).
      if (previous.baselinePeriod !== "全年" && metric.period === "全年") {
        previous.partial = { value: previous.baseline, period: previous.baselinePeriod };
        previous.baseline = metric.value;
        previous.baselinePeriod = "全年";
        previous.baselineEstimated = true;
      }
      continue;
    }
    const identity = `${metric.ref}|${metric.name}|${metric.unit}|${metric.value}|${metric.kind}`;
    if (seen.has(identity)) continue;
    seen.add(identity);
    drafts.push({
      key: `metric:${drafts.length + 1}`,
      name: metric.name,
      unit: metric.unit,
      baseline: metric.value,
      forecast: metric.kind === "forecast" ? metric.value : null,
      baselinePeriod: metric.period,
      baselineEstimated: metric.estimated || metric.kind === "forecast",
      partial: null,
      kind: metric.kind,
      approximate: metric.approximate,
      ref: metric.ref,
      category: categoryOf(parsed.sections, metric.ref),
      sentence: metric.sentence,
      direction: metricDirection(metric),
      aggregation: isPercent(metric.unit) || metric.kind === "cap" || metric.kind === "rate" ? "latest" : "sum",
    });
  }
  return drafts;
}

/**
 * Whether last year's figure can stand as a baseline for 同比: a cumulative figure only for the
 * full year (ten months are not a year); a level (a rate, the latest value) as it was last read.
 */
export function isYearBaseline(m: { baselinePeriod: string | null; aggregation: MetricDraft["aggregation"] }): boolean {
  return m.baselinePeriod === "全年" || m.aggregation === "latest";
}

/** A figure of the summary kept as a plan metric of no task, with no target yet. */
export function standaloneMetric(m: MetricDraft) {
  // 同比 compares equal periods: only a full-year figure is a baseline.
  const yearly = isYearBaseline(m);
  return {
    name: m.name,
    unit: m.unit,
    baseline: yearly ? m.baseline : null,
    baselinePeriod: yearly ? m.baselinePeriod : null,
    target: null,
    direction: m.direction,
    aggregation: m.aggregation,
    category: m.category,
    sourceRef: m.ref,
    sourceSentence: m.sentence,
  };
}

/** "全省固定资产投资" and "固定资产投资" name one measure. */
function measureKey(name: string): string {
  return name.replace(/^(全省|全市|全区|全县|全街道|全街|全镇|全年|今年|年度|新增|累计)+/, "").replace(/(总额|总量)$/, "");
}

/** Targets of a plan item, each with the review figure of the same measure (full year) as baseline. */
function targetDrafts(taskKey: string, targets: PlanTarget[], figures: MetricDraft[], used: Set<string>): TargetDraft[] {
  return targets.map((t, index) => {
    const key = measureKey(t.name);
    const base =
      key.length >= 2
        ? figures.find((f) => !used.has(f.key) && f.unit === t.unit && isYearBaseline(f) && measureKey(f.name) === key)
        : undefined;
    if (base) used.add(base.key);
    const parsed = { ...t, kind: t.kind } as ParsedMetric;
    return {
      key: `target:${taskKey.replace(/^[a-z]+:/, "")}:${index + 1}`,
      name: t.name,
      unit: t.unit,
      target: t.value,
      qualifier: t.qualifier,
      kind: t.kind,
      sentence: t.sentence,
      direction:
        t.qualifier === "以内" || t.kind === "cap"
          ? "cap"
          : /不低于|以上/.test(t.qualifier ?? "") && isPercent(t.unit)
            ? "floor"
            : metricDirection(parsed),
      aggregation: isPercent(t.unit) || t.kind === "cap" || t.kind === "rate" ? "latest" : "sum",
      baseline: base ? base.baseline : null,
      baselinePeriod: base ? base.baselinePeriod : null,
      baselineEstimated: base ? base.baselineEstimated : false,
      baselineKey: base ? base.key : null,
    };
  });
}

export function draftPlan(parsed: ParsedSummary): PlanDraft {
  const tasks: TaskDraft[] = [];
  const figures = metricDrafts(parsed);
  const used = new Set<string>();
  for (const [group, items] of [
    ["plan", parsed.plan],
    ["vision", parsed.vision],
  ] as const) {
    for (const item of items) {
      const areas = matchWorkAreas(item.text);
      const key = `${group}:${item.ref || tasks.length + 1}`;
      tasks.push({
        key,
        origin: "key_work",
        originRef: item.ref || null,
        title: taskTitle(item.title || item.text),
        description: item.text.trim(),
        category: areas[0] ?? "",
        areas,
        group,
        targets: targetDrafts(key, item.targets, figures, used),
      });
    }
  }
  for (const [index, item] of parsed.problems.entries()) {
    const areas = matchWorkAreas(item.text);
    tasks.push({
      key: `problem:${item.ref || index + 1}`,
      origin: "problem",
      originRef: item.ref || null,
      title: taskTitle(item.text),
      description: item.text.trim(),
      category: areas[0] ?? "",
      areas,
      group: "problem",
      targets: [],
    });
  }
  return {
    year: parsed.planYear ?? (parsed.year != null ? parsed.year + 1 : null),
    organization: organizationName(parsed.unit),
    tasks,
    // Review figures used as a target's baseline are not offered a second time.
    metrics: figures.filter((f) => !used.has(f.key)),
  };
}

/** "平东街道办事处" → "平东街道": the organisation as plans and titles name it. */
export function organizationName(unit: string | null): string | null {
  if (!unit) return null;
  return unit.replace(/(办事处|人民政府|委员会)$/, "") || unit;
}

/** Which office usually leads a work area: words looked for in the units' own names. */
const AREA_OFFICE_WORDS: Record<string, readonly string[]> = {
  党建: ["党建", "党群", "组织"],
  经济: ["经济", "招商"],
  政务服务: ["政务", "便民服务"],
  城市管理: ["城市管理", "城管", "建设"],
  安全生产: ["安全", "应急"],
  民生保障: ["社会事务", "民政", "社会保障"],
  宣传: ["宣传", "党建", "党群"],
};

export interface UnitRef {
  id: number;
  name: string;
  kind: "community" | "office";
}

export interface UnitSuggestion {
  leadUnitId: number | null;
  supportUnitIds: number[];
}

/**
 * A first guess at 牵头单位 and 配合单位 for a task, for a leader to correct: the office
 * of the task's main work area leads; offices of its other areas and communities named in
 * the text help; a task about "各社区 / 其他社区" involves every community.
 */
export function suggestUnits(task: Pick<TaskDraft, "areas" | "description">, units: readonly UnitRef[]): UnitSuggestion {
  const offices = units.filter((u) => u.kind === "office");
  const officeFor = (area: string) =>
    offices.find((office) => (AREA_OFFICE_WORDS[area] ?? [area]).some((word) => office.name.includes(word)));
  const areaOffices = task.areas.map(officeFor).filter((u): u is UnitRef => Boolean(u));
  const lead = areaOffices[0] ?? null;
  const support = new Set<number>(areaOffices.slice(1).map((u) => u.id));
  const communities = units.filter((u) => u.kind === "community");
  for (const community of communities) {
    const shortName = community.name.replace(/社区$/, "");
    if (task.description.includes(community.name) || (shortName.length >= 2 && task.description.includes(shortName))) {
      support.add(community.id);
    }
  }
  // Work in residential areas (小区, 居民) is done with the communities.
  if (/(各|其他|所有|全部)社区|社区居民|小区|居民/.test(task.description)) {
    for (const community of communities) support.add(community.id);
  }
  if (lead) support.delete(lead.id);
  return { leadUnitId: lead?.id ?? null, supportUnitIds: [...support] };
}
