/**
 * A task as recorded in audit_log (before/after of every write), and the human-readable list of
 * what changed between two such snapshots: shown in a card's history, and to someone whose edit
 * was refused with 409 ("已被他人修改") so they see what the other person changed.
 */
import type { MetricDefinition } from "~/lib/domain";
import { ORIGIN_LABELS, STATUS_LABELS, type NamedRef, type TaskOrigin, type TaskStatus } from "~/lib/board";
import { formatDate } from "~/lib/weeks";

export interface MetricSnapshot extends MetricDefinition {
  id: number;
}

export interface TaskSnapshot {
  code: string;
  title: string;
  description: string;
  category: string;
  origin: TaskOrigin;
  originRef: string | null;
  status: TaskStatus;
  position: string;
  leadUser: NamedRef | null;
  leadUnit: NamedRef | null;
  supportUnits: NamedRef[];
  startDate: string | null;
  dueDate: string | null;
  version: number;
  metrics: MetricSnapshot[];
}

export interface FieldChange {
  field: string;
  before: string;
  after: string;
}

export const DIRECTION_LABELS: Record<MetricSnapshot["direction"], string> = {
  up: "越高越好",
  down: "逐步降低",
  cap: "控制在目标以内",
  floor: "不低于目标",
};

export const AGGREGATION_LABELS: Record<MetricSnapshot["aggregation"], string> = {
  sum: "各单位每周数值累加",
  latest: "取各单位最新累计值",
};

const EMPTY = "（空）";

function dateText(value: string | null): string {
  return value ? formatDate(value) : EMPTY;
}

function metricText(metric: MetricSnapshot): string {
  const target = metric.target == null ? "未设目标" : `目标${metric.target}${metric.unit}`;
  const baseline = metric.baseline == null ? "" : `，上年${metric.baseline}${metric.unit}`;
  return `${metric.name}（${target}${baseline}，${DIRECTION_LABELS[metric.direction]}）`;
}

/** What changed from `before` to `after`, field by field, in Chinese; order of the edit form. */
export function describeChanges(before: TaskSnapshot, after: TaskSnapshot): FieldChange[] {
  const changes: FieldChange[] = [];
  const push = (field: string, a: string, b: string) => {
    if (a !== b) changes.push({ field, before: a || EMPTY, after: b || EMPTY });
  };
  push("名称", before.title, after.title);
  push("状态", STATUS_LABELS[before.status], STATUS_LABELS[after.status]);
  push("工作说明", before.description, after.description);
  push("类别", before.category, after.category);
  push("来源", ORIGIN_LABELS[before.origin], ORIGIN_LABELS[after.origin]);
  push("来源编号", before.originRef ?? "", after.originRef ?? "");
  push("责任领导", before.leadUser?.name ?? "", after.leadUser?.name ?? "");
  push("牵头单位", before.leadUnit?.name ?? "", after.leadUnit?.name ?? "");
  push("配合单位", before.supportUnits.map((u) => u.name).join("、"), after.supportUnits.map((u) => u.name).join("、"));
  push("开始日期", dateText(before.startDate), dateText(after.startDate));
  push("完成时限", dateText(before.dueDate), dateText(after.dueDate));

  const beforeMetrics = new Map(before.metrics.map((m) => [m.id, m]));
  const afterMetrics = new Map(after.metrics.map((m) => [m.id, m]));
  for (const [metricId, metric] of beforeMetrics) {
    const now = afterMetrics.get(metricId);
    if (!now) changes.push({ field: "指标", before: metricText(metric), after: "已删除" });
    else if (metricText(now) !== metricText(metric) || now.aggregation !== metric.aggregation) {
      changes.push({ field: "指标", before: metricText(metric), after: metricText(now) });
    }
  }
  for (const [metricId, metric] of afterMetrics) {
    if (!beforeMetrics.has(metricId)) changes.push({ field: "指标", before: "（无）", after: metricText(metric) });
  }
  return changes;
}
