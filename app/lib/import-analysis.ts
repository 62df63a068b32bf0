// Everything the import page derives from a document's text, in one pure function: the parse,
// the plan draft and the CLI's JSON. It is the expensive part of an import (tens of
// milliseconds for a real report, seconds for megabytes of pasted text), so the server runs it
// on a worker thread (utils/import-analysis.server.ts); the result is plain data for that reason.
import { parseSummary, toSummaryJson, type SummaryJson } from "~/lib/importer";
import { draftPlan, type PlanDraft } from "~/lib/plan-draft";

export interface SummaryAnalysis {
  title: string | null;
  reportYear: number | null;
  date: string | null;
  draft: PlanDraft;
  json: SummaryJson;
}

/** More than this is no 工作总结 (a long report has ~150 sections, ~60 items, ~500 figures), and its preview would be a page no browser draws quickly. */
export const ANALYSIS_LIMITS = { sections: 2_000, tasks: 500, metrics: 5_000 } as const;

export function countSections(sections: SummaryJson["sections"]): number {
  return sections.reduce((total, section) => total + 1 + countSections(section.children), 0);
}

export function analysisIsTooLarge(analysis: SummaryAnalysis): boolean {
  return (
    countSections(analysis.json.sections) > ANALYSIS_LIMITS.sections ||
    analysis.draft.tasks.length > ANALYSIS_LIMITS.tasks ||
    analysis.json.metrics.length > ANALYSIS_LIMITS.metrics
  );
}

export function analyzeSummary(text: string): SummaryAnalysis {
  const parsed = parseSummary(text);
  return { title: parsed.title, reportYear: parsed.year, date: parsed.date, draft: draftPlan(parsed), json: toSummaryJson(parsed) };
}
