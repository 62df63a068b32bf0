/** Kinds of top-level (and nested) sections of a 工作总结. */
/** "vision": a multi-year outlook (五年, 十四五/十五五, 到2030年), kept apart from the year's plan. */
export type SectionKind = "highlights" | "work" | "problems" | "plan" | "vision" | "other";

export type MetricKind = "actual" | "forecast" | "target" | "cap" | "rate";

/** Where something came from, as offsets into the ORIGINAL text (UTF-16 code units, end exclusive). */
export interface SourceSpan {
  start: number;
  end: number;
  /** 1-based line number of `start` in the original text. */
  line: number;
}

export interface Paragraph {
  /** The paragraph as written in the original (trimmed). */
  text: string;
  span: SourceSpan;
}

export interface SectionNode {
  /** Reference path, e.g. "二.（四）.4"; inline items end in "一是", "二是" … */
  ref: string;
  /** The number as a canonical string: "一", "（一）", "1", "（1）", "①", or "一是" for inline items. */
  number: string;
  /** 1 = 一、 2 = （一） 3 = 1. 4 = （1） 5 = ① 6 = inline 一是 */
  level: number;
  /** "heading" for numbered lines, "inline" for 一是/二是 ordinals inside a paragraph. */
  marker: "heading" | "inline";
  heading: string;
  /** True when the heading shares its line with body text ("（一）标题。正文…"). */
  runIn: boolean;
  kind: SectionKind;
  /** Body paragraphs that belong to this item directly (children's text excluded). */
  paragraphs: Paragraph[];
  children: SectionNode[];
  /** From the heading marker to the end of the item's last content. */
  span: SourceSpan;
  /** The whole item: heading line without its number, body and children, lines joined by "\n". */
  text: string;
}

export interface ProblemItem {
  /** Reference of the item ("三.1"); "" when found outside any numbered section. */
  ref: string;
  text: string;
  span: SourceSpan;
  /** "section" when it is an item of a problems section, "paragraph" when found in running text. */
  source: "section" | "paragraph";
}

export interface PlanItem {
  /** Reference of the item ("四.5"); "" when found outside any numbered section. */
  ref: string;
  title: string;
  text: string;
  span: SourceSpan;
  source: "section" | "paragraph";
  /** Numeric targets written under the item ("增长5%左右", "620亿斤以上"). */
  targets: PlanTarget[];
}

/** A target of a plan item, with its qualifier (左右/以上/以内/不低于) kept. */
export interface PlanTarget {
  name: string;
  value: number;
  unit: string;
  kind: MetricKind;
  qualifier: string | null;
  sentence: string;
}

export interface Metric {
  name: string;
  value: number;
  unit: string;
  kind: MetricKind;
  approximate: boolean;
  qualifier: string | null;
  ref: string | null;
  sentence: string;
  /** The figure with its unit, as written ("2151 万元", "四万份"). */
  raw: string;
  span: SourceSpan;
  sentenceSpan: SourceSpan;
  /** The period the figure covers: "全年", "1-10月", "上半年", "前三季度", "“十四五”期间", "五年", "到2030年"… */
  period: string;
  /** An estimate ("预计全年…"). */
  estimated: boolean;
}

export interface ParsedSummary {
  /** The text exactly as given to parseSummary. */
  originalText: string;
  title: string | null;
  unit: string | null;
  year: number | null;
  /** The year the document plans (its plan section's year; a 总结's following year). */
  planYear: number | null;
  /** ISO date "YYYY-MM-DD" of the 落款 (or the report date near the title). */
  date: string | null;
  titleSpan: SourceSpan | null;
  /** Lines of the 落款 (signature block) that were kept out of the sections. */
  signature: Paragraph[];
  /** Paragraphs before the first section heading (opening paragraph, speaker line …). */
  preamble: Paragraph[];
  sections: SectionNode[];
  problems: ProblemItem[];
  plan: PlanItem[];
  /** Items of multi-year sections (远景目标): shown apart, never the year's tasks. */
  vision: PlanItem[];
  metrics: Metric[];
  /** Appended material such as 名词解释 / 附件 after the last section (no metrics are read from it). */
  appendix: Paragraph[];
  /** Lines recognised as web page furniture (breadcrumbs, 来源/发布时间, 打印/关闭 …). */
  furniture: SourceSpan[];
}

/** The exact JSON shape the CLI prints and the import preview consumes. */
export interface SectionJson {
  number: string;
  heading: string;
  kind: SectionKind;
  children: SectionJson[];
}

export interface SummaryJson {
  title: string | null;
  unit: string | null;
  year: number | null;
  date: string | null;
  planYear: number | null;
  sections: SectionJson[];
  problems: { ref: string; text: string }[];
  plan: { ref: string; title: string; text: string; targets: PlanTarget[] }[];
  vision: { ref: string; title: string; text: string; targets: PlanTarget[] }[];
  /** Metrics without where they stand in the text (the JSON is for reading, not for locating). */
  metrics: Omit<Metric, "raw" | "span" | "sentenceSpan">[];
}
