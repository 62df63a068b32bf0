// The domain's words as types: one declaration each, shared by the app, db/schema.ts and the
// tests. Labels for the UI live beside the rules that use them (lib/board.ts, lib/kpi.ts).

export type Role = "admin" | "leader" | "secretary" | "viewer";
export type UnitKind = "community" | "office";
export type PlanStatus = "active" | "archived";
/** The board's columns: 未启动 → 推进中 → 待验收 → 已销号. */
export type TaskStatus = "not_started" | "in_progress" | "pending_review" | "done";
/** Where a task came from: 四 of a summary, 三 of it, added by hand, or carried over from last year. */
export type TaskOrigin = "key_work" | "problem" | "manual" | "carried_over";
export type MetricDirection = "up" | "down" | "cap" | "floor";
export type MetricAggregation = "sum" | "latest";
export type CommentKind = "comment" | "urge" | "verify" | "reject";

/** What defines a 指标, wherever one is stored, edited or recorded. */
export interface MetricDefinition {
  name: string;
  unit: string;
  baseline: number | null;
  target: number | null;
  direction: MetricDirection;
  aggregation: MetricAggregation;
}

/** Only the defining fields of a metric (for a write or a snapshot). */
export function metricDefinitionOf(metric: MetricDefinition): MetricDefinition {
  return {
    name: metric.name,
    unit: metric.unit,
    baseline: metric.baseline,
    target: metric.target,
    direction: metric.direction,
    aggregation: metric.aggregation,
  };
}
