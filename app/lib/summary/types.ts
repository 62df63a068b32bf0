import type { Light } from "~/lib/light-labels";
import type { MetricAggregation, MetricDirection, TaskOrigin, TaskStatus } from "~/lib/domain";
// The year-end summary (年度总结草稿): what the writer reads, and the document it writes.
// Client-safe: routes' components render these shapes.

export type SummaryTaskStatus = TaskStatus;
export type SummaryTaskLight = Light;

export interface SummaryTask {
  id: number;
  code: string;
  title: string;
  category: string;
  origin: TaskOrigin;
  status: SummaryTaskStatus;
  /** The 督办灯 as of the summary date. */
  light: SummaryTaskLight;
  /** 0–100 */
  progress: number;
  /** 序时进度 as of the summary date, a whole percentage. */
  expectedProgress: number;
  /** "YYYY-MM-DD" */
  dueDate: string | null;
  /** The 完成时限 before an approved 延期申请; absent or null when never extended. */
  originalDueDate?: string | null;
  /** "YYYY-MM-DD" (Shanghai calendar day) when the task was verified (已销号). */
  doneDate: string | null;
  /** True when the light is (partly) due to weeks without any 填报. */
  silent: boolean;
  leadUnit: string | null;
  supportUnits: string[];
}

export interface SummaryMetric {
  id: number;
  taskId: number | null;
  name: string;
  unit: string;
  baseline: number | null;
  target: number | null;
  /** This year's actual to date (the KPI page's rule); null when nothing was reported. */
  actual: number | null;
  direction: MetricDirection;
  aggregation: MetricAggregation;
  category: string;
  /** Period of `baseline` ("全年", "1-10月"); null when unknown (then no 同比). */
  baselinePeriod: string | null;
  /** The verb phrase a leader wrote for the figure ("排查商户"); null: read from the source sentence. */
  phrase: string | null;
  /** The sentence the figure came from (last year's summary), if any. */
  sourceSentence: string | null;
}

export interface SummaryBlocker {
  taskId: number;
  unit: string;
  /** 困难问题 as the unit wrote it. */
  text: string;
  needsCoordination: boolean;
}

export interface SummaryInput {
  /** "平东街道": used in the title and the opening. */
  organization: string;
  /** "平东街道办事处": the 落款. */
  issuer: string;
  year: number;
  /** "YYYY-MM-DD": the date the figures stand at, and the date of the 落款. */
  asOf: string;
  tasks: SummaryTask[];
  metrics: SummaryMetric[];
  blockers: SummaryBlocker[];
  /** 明年工作思路 as the leaders wrote it; section 四 is written from it when it has items. */
  outline?: SummaryOutlineItem[];
}

/** One item of 明年工作思路, as the writer reads it (names resolved). */
export interface SummaryOutlineItem {
  category: string;
  kind: "continue" | "problem" | "new";
  title: string;
  leadUnit: string | null;
  supportUnits: string[];
  /** "YYYY-MM-DD" of next year. */
  dueDate: string | null;
  targets: { phrase: string; value: number; unit: string }[];
}

export type SectionKey = "title" | "opening" | "highlights" | "work" | "problems" | "plan" | "signature";

export const SECTION_KEYS: readonly SectionKey[] = ["title", "opening", "highlights", "work", "problems", "plan", "signature"];

/** 一 二 三 四 for the numbered sections. */
export const SECTION_NUMBERS: Partial<Record<SectionKey, string>> = {
  highlights: "一",
  work: "二",
  problems: "三",
  plan: "四",
};

export const SECTION_LABELS: Record<SectionKey, string> = {
  title: "标题",
  opening: "开头段",
  highlights: "一、亮点工作",
  work: "二、主要工作",
  problems: "三、存在问题",
  plan: "四、重点工作安排",
  signature: "落款",
};

export interface SummarySection {
  key: SectionKey;
  /** Heading without its number ("亮点工作"); "" for title, opening and signature. */
  heading: string;
  /**
   * Plain text, one paragraph per line, numbering kept as written ("（一）党建工作",
   * "1.部分重点工作进展滞后。…"). The title's body is the title; the signature's body is the
   * issuing unit and the date on two lines.
   */
  body: string;
}

export interface SummaryDocument {
  year: number;
  sections: SummarySection[];
}

/** A figure the writer stated, and where ("二.（一）", "三.1", null for the opening). */
export interface StatedFigure {
  ref: string | null;
  value: number;
  unit: string;
  /** As written, e.g. "2560万元". */
  text: string;
}

export interface WrittenSummary {
  document: SummaryDocument;
  figures: StatedFigure[];
  /** Each measure stated, once, with its value and where (the fact table). */
  facts: { key: string; value: number; period: string; ref: string | null }[];
}
