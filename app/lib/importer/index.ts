/**
 * The 工作总结 import engine: pure functions, no Remix or database imports, shared by the
 * import route, the CLI and the tests.
 */
export { readSummaryFile } from "~/lib/importer/decode";
export { parseSummary } from "~/lib/importer/parse";
export { toSummaryJson, summaryJsonSchema } from "~/lib/importer/json";
export { ImportError, MAX_IMPORT_BYTES, type ImportErrorCode } from "~/lib/importer/errors";
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
} from "~/lib/importer/types";
