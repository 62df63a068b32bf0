/**
 * The 工作总结 import engine: pure functions, no Remix or database imports, shared by the
 * import route, the CLI and the tests.
 */
export { readSummaryFile } from "./decode";
export { parseSummary } from "./parse";
export { toSummaryJson, summaryJsonSchema } from "./json";
export { ImportError, MAX_IMPORT_BYTES, type ImportErrorCode } from "./errors";
export type {
  Metric,
  MetricKind,
  Paragraph,
  ParsedSummary,
  PlanItem,
  PlanTarget,
  ProblemItem,
  SectionJson,
  SectionKind,
  SectionNode,
  SourceSpan,
  SummaryJson,
} from "./types";
