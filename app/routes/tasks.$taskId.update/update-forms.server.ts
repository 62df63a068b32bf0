// The 填报 form and the comment/催办 forms: zod schemas (kept out of the browser bundle) and
// the reading of metric values as people type them.
import { z } from "zod";
import { checkProgress, parseMetricValue } from "~/lib/updates";
import { formValues, parseForm, type FieldErrors } from "~/utils/forms.server";
import { COMMENT_MAX_LENGTH, URGE_NOTE_MAX_LENGTH } from "~/models/comments.server";
import type { UpdateTaskInfo } from "~/routes/tasks.$taskId.update/updates.server";
import type { UpdateFormResult } from "~/routes/tasks.$taskId.update/save-update.server";

const optionalText = (label: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, `${label}不能超过${max}个字。`)
    .optional()
    .transform((v) => v ?? "");

const optionalId = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (v == null || v.trim() === "") return null;
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) {
      ctx.addIssue({ code: "custom", message: "表单数据有误，请刷新页面后重试。" });
      return z.NEVER;
    }
    return n;
  });

export const UpdateFormSchema = z.object({
  week: z.string({ error: "请选择填报周次。" }).regex(/^\d{4}-W\d{2}$/, "填报周次无效，请刷新页面后重试。"),
  unitId: optionalId,
  version: optionalId,
  body: z
    .string({ error: "请填写本周进展。" })
    .trim()
    .min(1, "请填写本周进展：这周做了什么、完成了多少。")
    .max(2000, "本周进展不能超过2000个字。"),
  progress: z
    .string({ error: "请填写完成进度。" })
    .trim()
    .min(1, "请填写完成进度（0到100）。")
    .transform((v, ctx) => {
      const n = Number(v.replace(/[%％]$/, "").trim());
      if (!Number.isFinite(n)) {
        ctx.addIssue({ code: "custom", message: "完成进度应为0到100之间的整数。" });
        return z.NEVER;
      }
      return n;
    }),
  nextSteps: optionalText("下步计划", 1000),
  blockers: optionalText("困难问题", 1000),
  needsCoordination: z
    .string({ error: "“需要协调”选项无效，请刷新页面后重试。" })
    .optional()
    .transform((v) => v === "yes"),
  removeAttachment: z
    .union([z.string(), z.array(z.string())], { error: "要删除的佐证材料无效，请刷新页面后重试。" })
    .optional()
    .transform((v, ctx) => {
      const list = v == null ? [] : Array.isArray(v) ? v : [v];
      const ids = list.map(Number);
      if (ids.some((n) => !Number.isInteger(n) || n <= 0)) {
        ctx.addIssue({ code: "custom", message: "要删除的佐证材料无效，请刷新页面后重试。" });
        return z.NEVER;
      }
      return ids;
    }),
});

/**
 * Reads the form: fields by zod, each metric_<id> value by parseMetricValue, and the progress
 * rule against the unit's previous report. Every failure is a Chinese message per field.
 */
export function parseUpdateForm(
  formData: FormData,
  task: Pick<UpdateTaskInfo, "metrics">,
  previousProgress: number | null,
): UpdateFormResult {
  // Files are not form values; the rest is handed back so nothing typed is lost.
  const textOnly = new FormData();
  for (const [key, value] of formData) if (typeof value === "string") textOnly.append(key, value);
  const parsed = parseForm(textOnly, UpdateFormSchema);
  const values = formValues(textOnly);
  const errors: FieldErrors = parsed.ok ? {} : { ...parsed.errors };

  if (parsed.ok) {
    const check = checkProgress(parsed.data.progress, previousProgress, parsed.data.blockers);
    if (!check.ok) errors.progress = check.message!;
  }

  const metricValues = new Map<number, number | null>();
  for (const metric of task.metrics) {
    const raw = formData.get(`metric_${metric.id}`);
    if (raw == null) continue; // not on the form: leave the stored value alone
    if (typeof raw !== "string") {
      errors[`metric_${metric.id}`] = "数值无效，请重新填写。";
      continue;
    }
    if (raw.trim() === "") {
      metricValues.set(metric.id, null);
      continue;
    }
    const value = parseMetricValue(raw, metric);
    if (value.ok) metricValues.set(metric.id, value.value);
    else errors[`metric_${metric.id}`] = value.message;
  }
  for (const key of formData.keys()) {
    if (key.startsWith("metric_") && !task.metrics.some((m) => `metric_${m.id}` === key)) {
      errors._form = "指标不属于这项重点工作，请刷新页面后重试。";
    }
  }

  if (!parsed.ok || Object.keys(errors).length > 0) return { ok: false, errors, values };
  const data = parsed.data;
  return {
    ok: true,
    input: {
      week: data.week,
      unitId: data.unitId,
      version: data.version,
      body: data.body,
      progress: data.progress,
      nextSteps: data.nextSteps,
      blockers: data.blockers,
      needsCoordination: data.needsCoordination,
      values: metricValues,
      removeAttachmentIds: data.removeAttachment,
    },
  };
}

export const CommentFormSchema = z.object({
  body: z
    .string({ error: "请填写评论内容。" })
    .trim()
    .min(1, "请填写评论内容。")
    .max(COMMENT_MAX_LENGTH, `评论不能超过${COMMENT_MAX_LENGTH}个字。`),
});

export const UrgeFormSchema = z.object({
  unitId: z.coerce.number({ error: "请选择要催办的单位。" }).int("请选择要催办的单位。").positive("请选择要催办的单位。"),
  note: z
    .string({ error: "催办说明须为文字。" })
    .trim()
    .max(URGE_NOTE_MAX_LENGTH, `催办说明不能超过${URGE_NOTE_MAX_LENGTH}个字。`)
    .optional()
    .transform((v) => v ?? ""),
});

/** One cell of the 填报情况 matrix, posted as "taskId:unitId". */
export const MatrixUrgeSchema = z.object({
  cell: z
    .string({ error: "请选择要催办的单位。" })
    .regex(/^\d+:\d+$/, "催办对象无效，请刷新页面后重试。")
    .transform((v) => {
      const [taskId, unitId] = v.split(":").map(Number);
      return { taskId, unitId };
    }),
  week: z.string({ error: "周次无效，请刷新页面后重试。" }).regex(/^\d{4}-W\d{2}$/, "周次无效，请刷新页面后重试。"),
});

export const MatrixUrgeAllSchema = z.object({
  week: z.string({ error: "周次无效，请刷新页面后重试。" }).regex(/^\d{4}-W\d{2}$/, "周次无效，请刷新页面后重试。"),
  planId: z.coerce
    .number({ error: "年度计划无效，请刷新页面后重试。" })
    .int("年度计划无效，请刷新页面后重试。")
    .positive("年度计划无效，请刷新页面后重试。"),
});
