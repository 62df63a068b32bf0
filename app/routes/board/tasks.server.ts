// Tasks on the board: reading cards (with 督办灯 and metric bars), creating, editing, deleting
// and moving them. Every write is one transaction with its audit_log row and a bump of the
// plan's change counter (plans.change_seq), which the board's poll compares.
import { sql, type Kysely, type Transaction } from "kysely";
import type { AppDatabase } from "../../../db/index";
import type { Database, TaskStatus } from "../../../db/schema";
import { ORIGIN_LABELS, type TaskOrigin } from "~/lib/board";
import { metricDefinitionOf } from "~/lib/domain";
import { positionAtTop } from "~/lib/positions";
import { describeChanges, type FieldChange, type MetricSnapshot, type TaskSnapshot } from "~/lib/task-changes";
import { editableOf, mergeEdit, MERGE_LABELS, type EditableTask, type MergeKey, type Resolution, type TaskFields } from "~/lib/task-merge";
import { formatDate } from "~/lib/weeks";
import type { Actor } from "~/utils/permissions";
import { recordAudit } from "~/models/audit.server";
import { bumpChangeSeq } from "~/models/plans.server";
import type { MetricRowInput } from "~/routes/board/task-forms.server";
import { badRequest, conflict, notFound } from "~/lib/refusal";
import { userName } from "~/models/names.server";
import { listTaskUnits, selectTasksWithPlan } from "~/models/task-relations.server";

type Db = Kysely<Database> | Transaction<Database>;

// ---------------------------------------------------------------- one task in full

export async function taskSnapshot(db: Db, taskId: number): Promise<TaskSnapshot | null> {
  const task = await db
    .selectFrom("tasks")
    .selectAll("tasks")
    .select((eb) => userName(eb, "tasks.lead_user_id").as("lead_user_name"))
    .where("tasks.id", "=", taskId)
    .executeTakeFirst();
  if (!task) return null;
  const units = await listTaskUnits(db, taskId);
  const metrics = await db
    .selectFrom("metrics")
    .select(["id", "name", "unit", "baseline", "target", "direction", "aggregation"])
    .where("task_id", "=", taskId)
    .orderBy("sort_order")
    .orderBy("id")
    .execute();
  const lead = units.find((u) => u.role === "lead");
  return {
    code: task.code,
    title: task.title,
    description: task.description,
    category: task.category,
    origin: task.origin as TaskOrigin,
    originRef: task.origin_ref,
    status: task.status,
    position: task.position,
    leadUser: task.lead_user_id != null ? { id: task.lead_user_id, name: task.lead_user_name ?? "" } : null,
    leadUnit: lead ? { id: lead.id, name: lead.name } : null,
    supportUnits: units.filter((u) => u.role === "support").map((u) => ({ id: u.id, name: u.name })),
    startDate: task.start_date,
    dueDate: task.due_date,
    version: task.version,
    metrics: metrics as MetricSnapshot[],
  };
}

export function parseJson<T>(text: string | null): T | null {
  if (!text) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- writes

/** References must exist: a forged id is a 400, not a foreign-key crash. */
async function checkReferences(trx: Db, fields: Pick<TaskFields, "leadUserId" | "leadUnitId" | "supportUnitIds">) {
  if (fields.leadUserId != null) {
    const leader = await trx
      .selectFrom("users")
      .select("id")
      .where("id", "=", fields.leadUserId)
      .where("role", "in", ["leader", "admin"])
      .executeTakeFirst();
    if (!leader) badRequest("所选责任领导不存在或不是街道领导，请重新选择。");
  }
  const unitIds = [...(fields.leadUnitId != null ? [fields.leadUnitId] : []), ...fields.supportUnitIds];
  if (unitIds.length > 0) {
    const found = await trx.selectFrom("units").select("id").where("id", "in", unitIds).execute();
    if (found.length !== new Set(unitIds).size) badRequest("所选单位不存在，请刷新页面后重新选择。");
  }
}

async function writeTaskUnits(trx: Db, taskId: number, leadUnitId: number | null, supportUnitIds: readonly number[]) {
  await trx.deleteFrom("task_units").where("task_id", "=", taskId).execute();
  const rows = [
    ...(leadUnitId != null ? [{ task_id: taskId, unit_id: leadUnitId, role: "lead" as const }] : []),
    ...supportUnitIds.filter((id) => id !== leadUnitId).map((id) => ({ task_id: taskId, unit_id: id, role: "support" as const })),
  ];
  if (rows.length > 0) await trx.insertInto("task_units").values(rows).execute();
}

/** The next code of the plan: "2025-07" (year, two-digit sequence; more digits past 99). */
async function nextTaskCode(trx: Db, planId: number, year: number): Promise<string> {
  const codes = await trx.selectFrom("tasks").select("code").where("plan_id", "=", planId).execute();
  const pattern = new RegExp(`^${year}-(\\d+)$`);
  const highest = codes.reduce((max, { code }) => {
    const match = pattern.exec(code);
    return match ? Math.max(max, Number(match[1])) : max;
  }, 0);
  return `${year}-${String(highest + 1).padStart(2, "0")}`;
}

export interface NewTaskInput extends Partial<TaskFields> {
  planId: number;
  title: string;
  status?: TaskStatus;
  metrics?: Omit<MetricRowInput, "id">[];
}

export function createTask(db: AppDatabase, actor: Actor, input: NewTaskInput): Promise<{ id: number; code: string }> {
  return db.transaction().execute((trx) => createTaskIn(trx, actor, input));
}

/** createTask inside a caller's transaction (the 计划台账 creates several tasks in one). */
export async function createTaskIn(trx: Transaction<Database>, actor: Actor, input: NewTaskInput): Promise<{ id: number; code: string }> {
  const now = new Date().toISOString();
  const status = input.status ?? "not_started";
  {
    const plan = await trx.selectFrom("plans").select(["id", "year", "status"]).where("id", "=", input.planId).executeTakeFirst();
    if (!plan) notFound("没有找到该年度计划。");
    if (plan.status === "archived") badRequest("该年度计划已归档，不能再添加重点工作。");
    await checkReferences(trx, {
      leadUserId: input.leadUserId ?? null,
      leadUnitId: input.leadUnitId ?? null,
      supportUnitIds: input.supportUnitIds ?? [],
    });
    const first = await trx
      .selectFrom("tasks")
      .select("position")
      .where("plan_id", "=", input.planId)
      .where("status", "=", status)
      .orderBy("position")
      .limit(1)
      .executeTakeFirst();
    const code = await nextTaskCode(trx, input.planId, plan.year);
    const task = await trx
      .insertInto("tasks")
      .values({
        plan_id: input.planId,
        code,
        title: input.title,
        description: input.description ?? "",
        category: input.category ?? "",
        origin: input.origin ?? "manual",
        origin_ref: input.originRef ?? null,
        lead_user_id: input.leadUserId ?? null,
        status,
        position: positionAtTop(first?.position ?? null),
        start_date: input.startDate ?? null,
        due_date: input.dueDate ?? null,
        done_at: status === "done" ? now : null,
        created_by: actor.id,
        created_at: now,
        updated_at: now,
      })
      .returning(["id", "code"])
      .executeTakeFirstOrThrow();
    await writeTaskUnits(trx, task.id, input.leadUnitId ?? null, input.supportUnitIds ?? []);
    for (const [index, metric] of (input.metrics ?? []).entries()) {
      await trx
        .insertInto("metrics")
        .values({
          ...metricDefinitionOf(metric),
          plan_id: input.planId,
          task_id: task.id,
          sort_order: index,
          created_at: now,
          updated_at: now,
        })
        .execute();
    }
    await bumpChangeSeq(trx, input.planId);
    await recordAudit(trx, {
      actorId: actor.id,
      action: "task.create",
      entity: "task",
      entityId: task.id,
      after: await taskSnapshot(trx, task.id),
    });
    return task;
  }
}

/** The task states the audit log recorded, newest first (unreadable entries left out). */
async function recordedStatesNewestFirst(trx: Db, taskId: number): Promise<Partial<TaskSnapshot>[]> {
  const rows = await trx
    .selectFrom("audit_log")
    .select(["after_json", "before_json"])
    .where("entity", "=", "task")
    .where("entity_id", "=", String(taskId))
    .orderBy("id", "desc")
    .execute();
  // An edit records the full state it started from as well: for a task created by an import (whose
  // own record is not a full state) that is the only record of its first versions.
  return rows.flatMap((row) => {
    const after = parseJson<Partial<TaskSnapshot>>(row.after_json);
    const before = parseJson<Partial<TaskSnapshot>>(row.before_json);
    const fullBefore = before && Array.isArray(before.supportUnits) && Array.isArray(before.metrics) ? [before] : [];
    return [...(after ? [after] : []), ...fullBefore];
  });
}

/** The snapshot the user saw: the state the audit log recorded for that version. */
async function snapshotAtVersion(trx: Db, taskId: number, version: number): Promise<TaskSnapshot | null> {
  for (const after of await recordedStatesNewestFirst(trx, taskId)) {
    // Only snapshots written by this module (imports record their own shape).
    if (after.version === version && Array.isArray(after.supportUnits) && Array.isArray(after.metrics)) return after as TaskSnapshot;
  }
  return null;
}

export interface ConflictDetail {
  /** What others changed since the version the user was editing. */
  changes: FieldChange[];
  currentVersion: number;
}

async function refuseStale(trx: Db, taskId: number, version: number, current: TaskSnapshot): Promise<never> {
  const seen = await snapshotAtVersion(trx, taskId, version);
  const detail: ConflictDetail = { changes: seen ? describeChanges(seen, current) : [], currentVersion: current.version };
  return conflict("已被他人修改：在您编辑期间，这项重点工作被其他人更新了。请查看下面的改动，确认后重新保存。", detail);
}

export interface TaskEditInput {
  task: TaskFields;
  metrics: MetricRowInput[];
  deletedMetricIds: number[];
}

export interface EditOptions {
  /** The version shown with a previous conflict: its resolutions hold only while it is current. */
  seenVersion?: number | null;
  resolutions?: Partial<Record<MergeKey, Resolution>>;
}

export interface EditConflictField {
  key: MergeKey;
  field: string;
  before: string;
  theirs: string;
  mine: string;
}

export interface EditConflictDetail {
  fields: EditConflictField[];
  currentVersion: number;
  /** Fields others changed that are kept whichever way the conflict is settled. */
  merged: string[];
}

/** The snapshot a form was drawn from: the last full one recorded at or before that version (moves leave fields alone). */
export async function snapshotAtOrBefore(trx: Db, taskId: number, version: number): Promise<TaskSnapshot | null> {
  for (const after of await recordedStatesNewestFirst(trx, taskId)) {
    if (typeof after.version !== "number" || after.version > version) continue;
    if (Array.isArray(after.supportUnits) && Array.isArray(after.metrics)) return after as TaskSnapshot;
    // A version written by something else than this module (an import): the base is unknown.
    if (!("to" in after)) return null;
  }
  return null;
}

/** One field as a person reads it, for the side-by-side conflict list. */
async function fieldText(trx: Db, task: EditableTask, key: MergeKey): Promise<string> {
  const empty = "（空）";
  const userName = async (id: number | null) =>
    id == null
      ? empty
      : ((await trx.selectFrom("users").select("display_name").where("id", "=", id).executeTakeFirst())?.display_name ?? empty);
  const unitNames = async (ids: number[]) =>
    ids.length === 0
      ? empty
      : (await trx.selectFrom("units").select("name").where("id", "in", ids).orderBy("sort_order").orderBy("id").execute())
          .map((u) => u.name)
          .join("、");
  switch (key) {
    case "leadUserId":
      return userName(task.leadUserId);
    case "leadUnitId":
      return unitNames(task.leadUnitId == null ? [] : [task.leadUnitId]);
    case "supportUnitIds":
      return unitNames(task.supportUnitIds);
    case "origin":
      return ORIGIN_LABELS[task.origin];
    case "startDate":
    case "dueDate":
      return task[key] ? formatDate(task[key]!) : empty;
    case "metrics":
      return task.metrics.length === 0 ? empty : task.metrics.map((m) => `${m.name}（目标${m.target ?? "未设"}${m.unit}）`).join("；");
    default:
      return (task[key] as string | null) || empty;
  }
}

export interface EditOutcome {
  /** Labels of fields others changed meanwhile that were kept ("已合并他人同时所做的修改：…"). */
  merged: string[];
  changed: boolean;
}

/**
 * Saves an edit made from `version`, merged field by field with what others saved since
 * (see mergeEdit). Only fields both changed differently are refused with 409, listed side by
 * side; a save that changes nothing writes nothing and never conflicts.
 */
export function updateTask(db: AppDatabase, ...edit: TaskEdit): Promise<EditOutcome> {
  return db.transaction().execute((trx) => updateTaskIn(trx, ...edit));
}

/** An edit's arguments: who saves, which task, the version it was made from, the new fields. */
type TaskEdit = [actor: Actor, taskId: number, version: number, input: TaskEditInput, options?: EditOptions];

/** updateTask inside a caller's transaction (the 计划台账 saves many tasks in one). */
export async function updateTaskIn(
  trx: Transaction<Database>,
  actor: Actor,
  taskId: number,
  version: number,
  input: TaskEditInput,
  options: EditOptions = {},
): Promise<EditOutcome> {
  const now = new Date().toISOString();
  {
    const current = await trx.selectFrom("tasks").select(["id", "plan_id", "version"]).where("id", "=", taskId).executeTakeFirst();
    if (!current) notFound("没有找到这项重点工作，它可能已被删除。");
    const before = (await taskSnapshot(trx, taskId))!;
    if (version > current!.version) badRequest("版本号无效，请刷新页面后重试。");
    const base = version === current!.version ? before : await snapshotAtOrBefore(trx, taskId, version);
    const mine: EditableTask = { ...input.task, originRef: input.task.originRef, metrics: input.metrics };
    const resolutions = options.seenVersion === current!.version ? (options.resolutions ?? {}) : {};
    const merge = mergeEdit(base ? editableOf(base) : null, editableOf(before), mine, resolutions);
    const merged = merge.theirs.map((key) => MERGE_LABELS[key]);
    if (merge.conflicts.length > 0) {
      const fields: EditConflictField[] = [];
      for (const key of merge.conflicts) {
        fields.push({
          key,
          field: MERGE_LABELS[key],
          before: base ? await fieldText(trx, editableOf(base), key) : "（不详）",
          theirs: await fieldText(trx, editableOf(before), key),
          mine: await fieldText(trx, mine, key),
        });
      }
      const detail: EditConflictDetail = { fields, currentVersion: current!.version, merged };
      conflict(
        `已被他人修改：在您编辑期间，其他人也改了${fields.map((f) => `「${f.field}」`).join("")}。请逐项选择保留哪一方的内容后再保存。`,
        detail,
      );
    }
    if (merge.mine.length === 0) return { merged, changed: false };
    const fields = merge.merged;
    await checkReferences(trx, fields);
    const ownMetricIds = new Set(before.metrics.map((m) => m.id));
    for (const metric of fields.metrics) {
      if (metric.id != null && !ownMetricIds.has(metric.id)) badRequest("指标不属于这项重点工作，请刷新页面后重试。");
    }
    await trx
      .updateTable("tasks")
      .set({
        title: fields.title,
        description: fields.description,
        category: fields.category,
        origin: fields.origin,
        origin_ref: fields.originRef,
        lead_user_id: fields.leadUserId,
        start_date: fields.startDate,
        due_date: fields.dueDate,
        updated_at: now,
        version: current!.version + 1,
      })
      .where("id", "=", taskId)
      .where("version", "=", current!.version)
      .execute();
    await writeTaskUnits(trx, taskId, fields.leadUnitId, fields.supportUnitIds);
    if (merge.mine.includes("metrics")) {
      const kept = new Set(fields.metrics.map((m) => m.id).filter((id): id is number => id != null));
      const removed = [...ownMetricIds].filter((id) => !kept.has(id));
      if (removed.length > 0) await trx.deleteFrom("metrics").where("id", "in", removed).execute();
      for (const [index, metric] of fields.metrics.entries()) {
        if (metric.id != null) {
          await trx
            .updateTable("metrics")
            .set({ ...metricDefinitionOf(metric), sort_order: index, updated_at: now, version: sql`version + 1` })
            .where("id", "=", metric.id)
            .execute();
        } else {
          await trx
            .insertInto("metrics")
            .values({
              ...metricDefinitionOf(metric),
              plan_id: current!.plan_id,
              task_id: taskId,
              sort_order: index,
              created_at: now,
              updated_at: now,
            })
            .execute();
        }
      }
    }
    await bumpChangeSeq(trx, current!.plan_id);
    await recordAudit(trx, {
      actorId: actor.id,
      action: "task.update",
      entity: "task",
      entityId: taskId,
      before,
      after: await taskSnapshot(trx, taskId),
    });
    return { merged, changed: true };
  }
}

export async function deleteTask(db: AppDatabase, actor: Actor, taskId: number, version: number): Promise<{ planId: number }> {
  return db.transaction().execute(async (trx) => {
    const current = await trx.selectFrom("tasks").select(["id", "plan_id", "version"]).where("id", "=", taskId).executeTakeFirst();
    if (!current) notFound("没有找到这项重点工作，它可能已被删除。");
    const before = (await taskSnapshot(trx, taskId))!;
    if (current.version !== version) await refuseStale(trx, taskId, version, before);
    await trx.updateTable("tasks").set({ carried_from_task_id: null }).where("carried_from_task_id", "=", taskId).execute();
    // updates, metrics (and their values), comments and task_units go with it (ON DELETE CASCADE).
    await trx
      .deleteFrom("metric_values")
      .where("metric_id", "in", trx.selectFrom("metrics").select("id").where("task_id", "=", taskId))
      .execute();
    await trx.deleteFrom("tasks").where("id", "=", taskId).execute();
    await bumpChangeSeq(trx, current.plan_id);
    await recordAudit(trx, { actorId: actor.id, action: "task.delete", entity: "task", entityId: taskId, before });
    return { planId: current.plan_id };
  });
}

/** Plan id and code of a task, for routes that need to know where it belongs. */
export async function findTaskPlan(db: AppDatabase, taskId: number): Promise<{ planId: number; year: number; code: string } | null> {
  const row = await selectTasksWithPlan(db)
    .select(["tasks.plan_id as planId", "plans.year", "tasks.code"])
    .where("tasks.id", "=", taskId)
    .executeTakeFirst();
  return row ?? null;
}
