// Form schemas for the board: quick add, task edit (with metric rows), moves, 督办灯 thresholds.
// Server-only: zod must not reach the browser bundle.
import { z } from "zod";
import { STATUSES, REASON_MAX_LENGTH } from "~/lib/board";
import type { MetricDefinition } from "~/lib/domain";
import { id, text } from "~/utils/forms.server";

const DATE_KEY = /^\d{4}-\d{2}-\d{2}$/;

function isRealDate(value: string): boolean {
  if (!DATE_KEY.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

const optionalDate = (label: string) =>
  z.preprocess(
    (v) => (typeof v === "string" ? v.trim() : v),
    z
      .string()
      .refine((v) => v === "" || isRealDate(v), `${label}须为有效日期，例如 2025-06-30。`)
      .transform((v) => (v === "" ? null : v)),
  );

const optionalId = (label: string) =>
  z.preprocess(
    (v) => (v === "" || v == null ? null : v),
    z.coerce
      .number({ error: `${label}无效。` })
      .int(`${label}无效。`)
      .positive(`${label}无效。`)
      .nullable(),
  );

const optionalText = (label: string, max: number) =>
  z.preprocess(
    (v) => (v == null ? "" : v),
    z
      .string({ error: `${label}只能填写一项文字。` })
      .trim()
      .max(max, `${label}不能超过${max}个字。`),
  );

/** A FormData field that may appear once, many times or not at all, as an array of strings. */
const stringList = z.preprocess(
  (v) => (v == null ? [] : Array.isArray(v) ? v : [v]),
  z.array(z.string({ error: "所选内容无效，请刷新页面后重试。" }), { error: "所选内容无效，请刷新页面后重试。" }),
);

export const statusSchema = z.enum(STATUSES as [string, ...string[]], { error: "请选择目标列。" });

export const QuickAddSchema = z.object({
  planId: id("年度计划"),
  status: statusSchema,
  title: text("重点工作名称", 120),
});

const ORIGINS = ["key_work", "problem", "manual", "carried_over"] as const;
const DIRECTIONS = ["up", "down", "cap", "floor"] as const;
const AGGREGATIONS = ["sum", "latest"] as const;

export interface MetricRowInput extends MetricDefinition {
  id: number | null;
}

function parseNumber(raw: string): number | null | "invalid" {
  const value = raw.trim().replace(/,/g, "");
  if (value === "") return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : "invalid";
}

export const TaskEditSchema = z
  .object({
    version: id("版本号"),
    title: text("重点工作名称", 120),
    description: optionalText("工作说明", 2000),
    category: optionalText("类别", 30),
    origin: z.enum(ORIGINS, { error: "请选择来源。" }),
    originRef: optionalText("来源编号", 20),
    leadUserId: optionalId("责任领导"),
    leadUnitId: optionalId("牵头单位"),
    supportUnitIds: stringList.transform((list, ctx) => {
      const ids = list.filter((v) => v !== "").map(Number);
      if (ids.some((n) => !Number.isInteger(n) || n <= 0)) {
        ctx.addIssue({ code: "custom", message: "配合单位无效，请重新选择。" });
      }
      return ids;
    }),
    startDate: optionalDate("开始日期"),
    dueDate: optionalDate("完成时限"),
    metricId: stringList,
    metricName: stringList,
    metricUnit: stringList,
    metricBaseline: stringList,
    metricTarget: stringList,
    metricDirection: stringList,
    metricAggregation: stringList,
  })
  .superRefine((value, ctx) => {
    if (value.startDate && value.dueDate && value.startDate > value.dueDate) {
      ctx.addIssue({ code: "custom", path: ["dueDate"], message: "完成时限不能早于开始日期。" });
    }
    if (value.leadUnitId != null && value.supportUnitIds.includes(value.leadUnitId)) {
      ctx.addIssue({ code: "custom", path: ["supportUnitIds"], message: "牵头单位不必再选为配合单位。" });
    }
  })
  .superRefine((value, ctx) => {
    // Checked here, beside the other fields, so every mistake is reported in one go.
    value.metricName.forEach((_, index) => {
      const row = readMetricRow(value, index);
      if (row && "problems" in row) {
        ctx.addIssue({ code: "custom", path: ["metrics"], message: `第${index + 1}行指标：${row.problems.join("；")}。` });
      }
    });
  })
  .transform((value) => {
    const metrics: MetricRowInput[] = [];
    const deletedMetricIds: number[] = [];
    value.metricName.forEach((_, index) => {
      const row = readMetricRow(value, index);
      if (row === null) return;
      if ("deleted" in row) deletedMetricIds.push(row.deleted);
      else if ("metric" in row) metrics.push(row.metric);
    });
    return {
      version: value.version,
      task: {
        title: value.title,
        description: value.description,
        category: value.category,
        origin: value.origin,
        originRef: value.originRef || null,
        leadUserId: value.leadUserId,
        leadUnitId: value.leadUnitId,
        supportUnitIds: [...new Set(value.supportUnitIds)],
        startDate: value.startDate,
        dueDate: value.dueDate,
      },
      metrics,
      deletedMetricIds,
    };
  });

type MetricLists = Record<
  "metricId" | "metricName" | "metricUnit" | "metricBaseline" | "metricTarget" | "metricDirection" | "metricAggregation",
  string[]
>;

/**
 * One row of the metrics table: null when empty, `deleted` when an existing metric's name was
 * cleared, the problems when it does not validate, else the metric.
 */
function readMetricRow(
  lists: MetricLists,
  index: number,
): null | { deleted: number } | { problems: string[] } | { metric: MetricRowInput } {
  const name = (lists.metricName[index] ?? "").trim();
  const idText = (lists.metricId[index] ?? "").trim();
  const metricId = /^\d+$/.test(idText) ? Number(idText) : null;
  if (name === "") return metricId != null ? { deleted: metricId } : null;
  const unit = (lists.metricUnit[index] ?? "").trim();
  const baseline = parseNumber(lists.metricBaseline[index] ?? "");
  const target = parseNumber(lists.metricTarget[index] ?? "");
  const direction = lists.metricDirection[index] ?? "up";
  const aggregation = lists.metricAggregation[index] ?? "sum";
  const problems: string[] = [];
  if (name.length > 40) problems.push("名称不能超过40个字");
  if (unit === "") problems.push("请填写计量单位（如 件、户、万元、%）");
  if (unit.length > 10) problems.push("计量单位不能超过10个字");
  if (baseline === "invalid") problems.push("上年基数须为数字");
  if (target === "invalid") problems.push("目标值须为数字");
  if (!(DIRECTIONS as readonly string[]).includes(direction)) problems.push("请选择方向");
  if (!(AGGREGATIONS as readonly string[]).includes(aggregation)) problems.push("请选择汇总方式");
  if (problems.length > 0) return { problems };
  return {
    metric: {
      id: metricId,
      name,
      unit,
      baseline: baseline as number | null,
      target: target as number | null,
      direction: direction as MetricRowInput["direction"],
      aggregation: aggregation as MetricRowInput["aggregation"],
    },
  };
}

export type TaskEdit = z.output<typeof TaskEditSchema>;

export const DeleteTaskSchema = z.object({
  version: id("版本号"),
  confirm: z.literal("yes", { error: "请勾选“确认删除”后再删除。" }),
});

const reason = z.preprocess(
  (v) => (v == null ? "" : v),
  z.string({ error: "原因或说明只能填写一项文字。" }).trim().max(REASON_MAX_LENGTH, `原因或说明不能超过${REASON_MAX_LENGTH}个字。`),
);

/** A drag-and-drop move: the card's new neighbours in the target column, never an index. */
export const MoveSchema = z.object({
  taskId: id("卡片"),
  toStatus: statusSchema,
  beforeId: optionalId("位置"),
  afterId: optionalId("位置"),
  reason,
  version: optionalId("版本号"),
});

/** The no-JS "移动到" form: a column and top or bottom. */
export const MoveToSchema = z.object({
  taskId: id("卡片"),
  toStatus: statusSchema,
  place: z.enum(["top", "bottom"], { error: "请选择放在列首还是列尾。" }),
  reason,
  version: optionalId("版本号"),
});

export const ThresholdsFormSchema = z.object({
  planId: id("年度计划"),
  version: id("版本号"),
});
