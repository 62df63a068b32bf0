/**
 * Three-way merge of a task edit: the version the form was drawn from (base), the row as it is
 * now (current) and what the user submitted (mine). A field changed only by others keeps their
 * value, a field changed only by this user takes theirs, and only a field both changed to
 * different values is a conflict. A save that changes nothing never conflicts.
 */
import type { TaskOrigin } from "~/lib/board";
import type { MetricSnapshot, TaskSnapshot } from "~/lib/task-changes";

export interface EditableMetric extends Omit<MetricSnapshot, "id"> {
  id: number | null;
}

/** A task's own fields, as the edit form and the quick-add send them. */
export interface TaskFields {
  title: string;
  description: string;
  category: string;
  origin: TaskOrigin;
  originRef: string | null;
  leadUserId: number | null;
  leadUnitId: number | null;
  supportUnitIds: number[];
  startDate: string | null;
  dueDate: string | null;
}

export interface EditableTask extends TaskFields {
  metrics: EditableMetric[];
}

export type MergeKey = keyof EditableTask;

/** In the order of the edit form; the labels match the change list (describeChanges). */
export const MERGE_LABELS: Record<MergeKey, string> = {
  title: "名称",
  description: "工作说明",
  category: "类别",
  origin: "来源",
  originRef: "来源编号",
  leadUserId: "责任领导",
  leadUnitId: "牵头单位",
  supportUnitIds: "配合单位",
  startDate: "开始日期",
  dueDate: "完成时限",
  metrics: "指标",
};

export const MERGE_KEYS = Object.keys(MERGE_LABELS) as MergeKey[];

export type Resolution = "mine" | "theirs";

export function editableOf(snapshot: TaskSnapshot): EditableTask {
  return {
    title: snapshot.title,
    description: snapshot.description,
    category: snapshot.category,
    origin: snapshot.origin,
    originRef: snapshot.originRef,
    leadUserId: snapshot.leadUser?.id ?? null,
    leadUnitId: snapshot.leadUnit?.id ?? null,
    supportUnitIds: snapshot.supportUnits.map((u) => u.id),
    startDate: snapshot.startDate,
    dueDate: snapshot.dueDate,
    metrics: snapshot.metrics,
  };
}

/** A comparable form of one field: empty text and null are the same, unit order does not matter. */
export function fieldKey(task: EditableTask, key: MergeKey): string {
  const value = task[key];
  if (key === "supportUnitIds") return JSON.stringify([...(value as number[])].sort((a, b) => a - b));
  if (key === "metrics") {
    return JSON.stringify(
      (value as EditableMetric[]).map((m) => [
        m.id ?? null,
        m.name,
        m.unit,
        m.baseline ?? null,
        m.target ?? null,
        m.direction,
        m.aggregation,
      ]),
    );
  }
  return JSON.stringify(value ?? "");
}

export interface MergeResult {
  merged: EditableTask;
  /** Fields others changed that this save keeps (the "已合并" note). */
  theirs: MergeKey[];
  /** Fields this save changes. */
  mine: MergeKey[];
  /** Fields both changed to different values and not yet resolved. */
  conflicts: MergeKey[];
}

export interface FieldMerge<K extends string> {
  /** Fields others changed that this save keeps. */
  theirs: K[];
  /** Fields this save changes. */
  mine: K[];
  /** Fields both changed to different values and not yet resolved. */
  conflicts: K[];
}

/**
 * The three-way rule for any record whose fields compare as strings (a task edit, a 填报, a
 * summary section): changed only by others → theirs kept; changed only by me → mine saved;
 * changed by both to different values → a conflict unless `resolutions` settles it. `base`
 * null means the drawn version is unknown: every field where mine differs from current is then
 * treated as changed by both.
 */
export function mergeFields<K extends string>(
  keys: readonly K[],
  base: Readonly<Record<K, string>> | null,
  current: Readonly<Record<K, string>>,
  mine: Readonly<Record<K, string>>,
  resolutions: Partial<Record<K, Resolution>> = {},
): FieldMerge<K> {
  const result: FieldMerge<K> = { theirs: [], mine: [], conflicts: [] };
  for (const key of keys) {
    const c = current[key];
    const m = mine[key];
    const b = base ? base[key] : c;
    if (m === b) {
      if (c !== b) result.theirs.push(key);
      continue;
    }
    if (m === c) continue; // both made the same change
    if (c !== b || !base) {
      const resolution = resolutions[key];
      if (resolution === "theirs") continue;
      if (resolution !== "mine") {
        result.conflicts.push(key);
        continue;
      }
    }
    result.mine.push(key);
  }
  return result;
}

const comparable = (task: EditableTask) =>
  Object.fromEntries(MERGE_KEYS.map((key) => [key, fieldKey(task, key)])) as Record<MergeKey, string>;

/** A task edit merged by mergeFields; `merged` is the row to write. */
export function mergeEdit(
  base: EditableTask | null,
  current: EditableTask,
  mine: EditableTask,
  resolutions: Partial<Record<MergeKey, Resolution>> = {},
): MergeResult {
  const result = mergeFields(MERGE_KEYS, base ? comparable(base) : null, comparable(current), comparable(mine), resolutions);
  const merged = { ...current } as Record<MergeKey, unknown>;
  for (const key of result.mine) merged[key] = mine[key];
  return { ...result, merged: merged as unknown as EditableTask };
}
