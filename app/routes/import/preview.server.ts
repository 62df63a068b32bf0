// Reading an upload or pasted text into a preview, and turning the leader's choices back
// into an import. The text is parsed again at commit time: the browser only sends choices.
import { z } from "zod";
import type { SummaryAnalysis } from "~/lib/import-analysis";
import { ImportError, readSummaryFile, type SectionJson } from "~/lib/importer";
import { MAX_IMPORT_TEXT_CHARS } from "~/lib/importer/errors";
import {
  isYearBaseline,
  standaloneMetric,
  suggestUnits,
  WORK_AREAS,
  type MetricDraft,
  type PlanDraft,
  type TargetDraft,
} from "~/lib/plan-draft";
import type { ImportInput } from "~/routes/import/commit.server";

export interface PreviewUnit {
  id: number;
  name: string;
  kind: "community" | "office";
}

export interface PreviewTask {
  key: string;
  origin: "key_work" | "problem";
  originRef: string | null;
  title: string;
  description: string;
  category: string;
  leadUnitId: number | null;
  supportUnitIds: number[];
  group: "plan" | "vision" | "problem";
  targets: TargetDraft[];
}

export interface PreviewMetricGroup {
  category: string;
  metrics: MetricDraft[];
}

export interface ImportPreview {
  fileName: string;
  /**
   * The original text as base64 of its UTF-8: a form field would turn its line breaks into
   * CRLF on the way back, and the text must be stored exactly as it was uploaded.
   */
  encodedText: string;
  title: string | null;
  organization: string | null;
  reportYear: number | null;
  date: string | null;
  planYear: number;
  /** Categories a leader can pick for a task (the work areas, plus 其他). */
  categories: string[];
  sections: SectionJson[];
  tasks: PreviewTask[];
  metricGroups: PreviewMetricGroup[];
  metricCount: number;
  duplicateMessage: string | null;
}

/** The leader's choices, sent back with a failed commit so nothing they did is lost. */
export interface ImportSelection {
  planYear: string;
  tasks: Record<string, { checked: boolean; title: string; leadUnitId: string; category: string }>;
  metrics: string[];
  targets: string[];
}

export const MAX_PASTE_CHARS = MAX_IMPORT_TEXT_CHARS;

export class InputProblem extends Error {}

/** The text of an upload (a File) or of the paste box, with the engine's Chinese errors. */
export async function readSubmittedText(formData: FormData): Promise<{ fileName: string; text: string }> {
  const file = formData.get("file");
  const pasted = formData.get("text");
  if (file instanceof File && file.size > 0) {
    const bytes = new Uint8Array(await file.arrayBuffer());
    return { fileName: file.name || "上传的文件", text: await readSummaryFile(file.name, bytes) };
  }
  if (typeof pasted === "string" && pasted.trim()) {
    if (pasted.length > MAX_PASTE_CHARS) throw new InputProblem("粘贴的文字太长（超过50万字），请只保留工作总结正文。");
    // Browsers send a textarea's line breaks as CRLF; the person typed plain line breaks.
    return { fileName: "粘贴的文字", text: pasted.replace(/\r\n?/g, "\n") };
  }
  throw new InputProblem("请选择要上传的工作总结文件（.txt 或 .docx），或把全文粘贴到文本框中。");
}

export function isExpectedInputError(error: unknown): error is ImportError | InputProblem {
  return error instanceof ImportError || error instanceof InputProblem;
}

export function encodeText(text: string): string {
  return Buffer.from(text, "utf8").toString("base64");
}

/** The text of `encodedText`, or null when it is not the base64 this page sent. */
export function decodeText(encoded: string): string | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encoded) || encoded.length % 4 !== 0) return null;
  const text = Buffer.from(encoded, "base64").toString("utf8");
  return encodeText(text) === encoded ? text : null;
}

function groupMetrics(metrics: MetricDraft[]): PreviewMetricGroup[] {
  const groups = new Map<string, MetricDraft[]>();
  for (const metric of metrics) {
    const category = metric.category || "其他";
    groups.set(category, [...(groups.get(category) ?? []), metric]);
  }
  return [...groups].map(([category, list]) => ({ category, metrics: list }));
}

/** The preview of a document whose text was analysed (off the main thread: analyzeSummaryOffThread). */
export function buildPreview(
  fileName: string,
  originalText: string,
  analysis: SummaryAnalysis,
  units: PreviewUnit[],
  fallbackYear: number,
  duplicateMessage: string | null,
): { preview: ImportPreview; draft: PlanDraft; parsedJson: string } {
  const { draft, json } = analysis;
  const preview: ImportPreview = {
    fileName,
    encodedText: encodeText(originalText),
    title: analysis.title,
    organization: draft.organization,
    reportYear: analysis.reportYear,
    date: analysis.date,
    planYear: draft.year ?? fallbackYear,
    categories: [...WORK_AREAS.map((a) => a.area), "其他"],
    sections: json.sections,
    tasks: draft.tasks.map((task) => ({
      key: task.key,
      origin: task.origin,
      originRef: task.originRef,
      title: task.title,
      description: task.description,
      category: task.category,
      ...suggestUnits(task, units),
      group: task.group,
      targets: task.targets,
    })),
    metricGroups: groupMetrics(draft.metrics),
    metricCount: draft.metrics.length,
    duplicateMessage,
  };
  return { preview, draft, parsedJson: JSON.stringify(json) };
}

const CommitSchema = z.object({
  planYear: z.coerce
    .number({ error: "请选择导入到哪个年度计划。" })
    .int("请选择导入到哪个年度计划。")
    .min(2000, "年度须在2000年至2100年之间。")
    .max(2100, "年度须在2000年至2100年之间。"),
});

export function readSelection(formData: FormData, preview: ImportPreview): ImportSelection {
  const checkedTasks = new Set(formData.getAll("task").map(String));
  const tasks: ImportSelection["tasks"] = {};
  for (const task of preview.tasks) {
    tasks[task.key] = {
      checked: checkedTasks.has(task.key),
      title: String(formData.get(`title:${task.key}`) ?? task.title),
      leadUnitId: String(formData.get(`lead:${task.key}`) ?? task.leadUnitId ?? ""),
      category: String(formData.get(`category:${task.key}`) ?? task.category),
    };
  }
  return {
    planYear: String(formData.get("planYear") ?? preview.planYear),
    tasks,
    metrics: formData.getAll("metric").map(String),
    targets: formData.getAll("target").map(String),
  };
}

export type CommitChoice =
  { ok: true; planYear: number; build: (planId: number) => ImportInput } | { ok: false; errors: Record<string, string> };

/** Validates the choices against the re-parsed draft; unknown keys or units are refused. */
export function readCommitChoice(
  formData: FormData,
  preview: ImportPreview,
  draft: PlanDraft,
  units: PreviewUnit[],
  parsedJson: string,
): CommitChoice {
  const errors: Record<string, string> = {};
  const year = CommitSchema.safeParse({ planYear: formData.get("planYear") });
  if (!year.success) errors.planYear = year.error.issues[0].message;

  const knownTasks = new Map(preview.tasks.map((t) => [t.key, t]));
  const knownMetrics = new Map(draft.metrics.map((m) => [m.key, m]));
  const unitIds = new Set(units.map((u) => u.id));
  const chosenTasks = formData.getAll("task").map(String);
  const chosenMetrics = formData.getAll("metric").map(String);
  const knownTargets = new Map(preview.tasks.flatMap((t) => t.targets.map((target) => [target.key, { task: t.key, target }] as const)));
  const chosenTargets = new Set(formData.getAll("target").map(String));
  if (
    [...chosenTasks].some((key) => !knownTasks.has(key)) ||
    chosenMetrics.some((key) => !knownMetrics.has(key)) ||
    [...chosenTargets].some((key) => !knownTargets.has(key))
  ) {
    errors._form = "提交的选择与文件内容不一致，请重新上传文件后再试。";
  }
  if (chosenTasks.length === 0 && chosenMetrics.length === 0) {
    errors._form = "没有选中任何任务或指标。请至少勾选一项再导入。";
  }
  for (const key of chosenTasks) {
    const title = String(formData.get(`title:${key}`) ?? "").trim();
    if (!title) errors[`title:${key}`] = "任务名称不能为空。";
    else if (title.length > 200) errors[`title:${key}`] = "任务名称不能超过200个字。";
    const lead = String(formData.get(`lead:${key}`) ?? "");
    if (lead && !unitIds.has(Number(lead))) errors[`lead:${key}`] = "所选牵头单位不存在，请重新选择。";
    const category = formData.get(`category:${key}`);
    if (category != null && !preview.categories.includes(String(category)) && String(category) !== knownTasks.get(key)?.category) {
      errors[`category:${key}`] = "所选类别不存在，请重新选择。";
    }
  }
  if (Object.keys(errors).length || !year.success) return { ok: false, errors };

  const planYear = year.data.planYear;
  return {
    ok: true,
    planYear,
    build: (planId) => ({
      planId,
      fileName: preview.fileName,
      originalText: decodeText(preview.encodedText)!,
      parsedJson,
      tasks: chosenTasks.map((key) => {
        const task = knownTasks.get(key)!;
        const lead = String(formData.get(`lead:${key}`) ?? "");
        const leadUnitId = lead ? Number(lead) : null;
        return {
          origin: task.origin,
          originRef: task.originRef,
          title: String(formData.get(`title:${key}`)).trim(),
          description: task.description,
          category: String(formData.get(`category:${key}`) ?? task.category),
          sourceExcerpt: task.description,
          leadUnitId,
          supportUnitIds: task.supportUnitIds.filter((id) => id !== leadUnitId),
          leadUserId: null,
          startDate: `${planYear}-01-01`,
          dueDate: `${planYear}-12-31`,
          status: "not_started" as const,
          progress: 0,
          doneAt: null,
          // The targets written under the item, as the task's target metrics.
          metrics: task.targets
            .filter((t) => chosenTargets.has(t.key))
            .map((t) => ({
              name: t.name,
              unit: t.unit,
              baseline: isYearBaseline(t) ? t.baseline : null,
              baselinePeriod: isYearBaseline(t) ? t.baselinePeriod : null,
              target: t.target,
              direction: t.direction,
              aggregation: t.aggregation,
              sourceRef: task.originRef,
              sourceSentence: t.sentence,
            })),
        };
      }),
      metrics: chosenMetrics.map((key) => standaloneMetric(knownMetrics.get(key)!)),
    }),
  };
}
