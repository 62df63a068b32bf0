// The 计划台账's reads and writes. Every write goes through the board's own task edit
// (updateTaskIn / createTaskIn: the same three-way merge, reference checks and audit row per
// task), many tasks in one transaction: one refused task refuses them all.
import type { Transaction } from "kysely";
import type { AppDatabase } from "../../../db/index";
import type { Database } from "../../../db/schema";
import { STATUS_LABELS, type NamedRef } from "~/lib/board";
import { applyLedgerValues, ledgerValuesOf, type LedgerRefs, type LedgerRow, type LedgerValues } from "~/lib/ledger";
import { type RowState } from "~/lib/ledger-import";
import { editableOf, type EditableTask } from "~/lib/task-merge";
import { conflict, badRequest, isRefusal, notFound } from "~/lib/refusal";
import type { Actor } from "~/utils/permissions";
import { listUnits } from "~/models/units.server";
import { listLeaders } from "~/routes/board/cards.server";
import { createTaskIn, snapshotAtOrBefore, taskSnapshot, updateTaskIn } from "~/routes/board/tasks.server";

/** Natural order of codes: "2025-9" before "2025-10". */
function codeOrder(a: string, b: string): number {
  return a.localeCompare(b, "zh-CN", { numeric: true });
}

/** The plan's tasks as 台账 rows: grouped by category (in the order they first appear), code order within. */
export async function loadLedgerRows(db: AppDatabase | Transaction<Database>, planId: number): Promise<LedgerRow[]> {
  const [tasks, units, metrics] = await Promise.all([
    db
      .selectFrom("tasks")
      .select(["id", "code", "title", "category", "lead_user_id", "due_date", "status", "version"])
      .where("plan_id", "=", planId)
      .execute(),
    db
      .selectFrom("task_units")
      .innerJoin("tasks", "tasks.id", "task_units.task_id")
      .innerJoin("units", "units.id", "task_units.unit_id")
      .select(["task_units.task_id", "task_units.unit_id", "task_units.role"])
      .where("tasks.plan_id", "=", planId)
      .orderBy("units.sort_order")
      .orderBy("units.id")
      .execute(),
    db
      .selectFrom("metrics")
      .select(["task_id", "name", "unit", "target"])
      .where("plan_id", "=", planId)
      .where("task_id", "is not", null)
      .orderBy("sort_order")
      .orderBy("id")
      .execute(),
  ]);
  const metricsByTask = new Map<number, typeof metrics>();
  for (const m of metrics) metricsByTask.set(m.task_id!, [...(metricsByTask.get(m.task_id!) ?? []), m]);
  tasks.sort((a, b) => codeOrder(a.code, b.code));
  const categories: string[] = [];
  for (const t of tasks) if (!categories.includes(t.category)) categories.push(t.category);
  // Tasks without a category come last.
  const rank = (category: string) => (category === "" ? categories.length : categories.indexOf(category));
  tasks.sort((a, b) => rank(a.category) - rank(b.category) || codeOrder(a.code, b.code));
  return tasks.map((t) => {
    const own = units.filter((u) => u.task_id === t.id);
    const taskMetrics = metricsByTask.get(t.id) ?? [];
    return {
      id: t.id,
      version: t.version,
      code: t.code,
      status: STATUS_LABELS[t.status],
      title: t.title,
      category: t.category,
      leaderId: t.lead_user_id,
      leadUnitId: own.find((u) => u.role === "lead")?.unit_id ?? null,
      supportUnitIds: own.filter((u) => u.role === "support").map((u) => u.unit_id),
      dueDate: t.due_date,
      metricName: taskMetrics[0]?.name ?? "",
      metricTarget: taskMetrics[0]?.target ?? null,
      metricUnit: taskMetrics[0]?.unit ?? "",
      extraMetrics: Math.max(0, taskMetrics.length - 1),
    };
  });
}

/** Leaders and units a cell may name (the task edit form's lists). */
export async function loadLedgerRefs(db: AppDatabase, year: number): Promise<LedgerRefs> {
  const [leaders, units] = await Promise.all([listLeaders(db), listUnits(db)]);
  return { year, leaders, units: units.map((u): NamedRef => ({ id: u.id, name: u.name })) };
}

/** Current rows, and for cells edited from an older version the row as it was then (for the merge). */
export async function loadRowStates(
  db: AppDatabase,
  planId: number,
  versions: ReadonlyMap<number, number | null>,
): Promise<Map<number, RowState>> {
  const rows = await loadLedgerRows(db, planId);
  const states = new Map<number, RowState>();
  for (const row of rows) {
    if (!versions.has(row.id)) continue;
    const version = versions.get(row.id);
    let base: LedgerValues | null = row;
    if (version != null && version < row.version) {
      const snapshot = await snapshotAtOrBefore(db, row.id, version);
      base = snapshot ? ledgerValuesOf(editableOf(snapshot)) : null;
    }
    states.set(row.id, { current: row, base });
  }
  return states;
}

export interface LedgerEdit {
  taskId: number;
  /** The version the change was made from (the page's or the preview's). */
  version: number;
  values: Partial<LedgerValues>;
}

export interface LedgerNewTask {
  values: Partial<LedgerValues> & { title: string };
}

export interface LedgerConflictDetail {
  tasks: { taskId: number; code: string; message: string }[];
}

function taskFieldsOf(task: EditableTask) {
  const { metrics, ...fields } = task;
  return { task: fields, metrics, deletedMetricIds: [] as number[] };
}

/**
 * Saves 台账 changes of many tasks, and new tasks, in one transaction. `values` may depend on
 * the row as it is now (bulk 配合单位 add/remove): pass a function.
 */
export async function applyLedgerChanges(
  db: AppDatabase,
  actor: Actor,
  planId: number,
  edits: readonly (Omit<LedgerEdit, "values"> & { values: Partial<LedgerValues> | ((row: LedgerValues) => Partial<LedgerValues>) })[],
  creates: readonly LedgerNewTask[] = [],
): Promise<{ changed: number; created: number }> {
  return db.transaction().execute(async (trx) => {
    const plan = await trx.selectFrom("plans").select(["id", "status"]).where("id", "=", planId).executeTakeFirst();
    if (!plan) notFound("没有找到该年度计划。");
    if (plan.status === "archived") badRequest("该年度计划已归档，不能再修改。");
    const refused: LedgerConflictDetail["tasks"] = [];
    let changed = 0;
    for (const edit of edits) {
      const owner = await trx.selectFrom("tasks").select("plan_id").where("id", "=", edit.taskId).executeTakeFirst();
      if (!owner) notFound("有重点工作已被删除，请刷新页面后重试。");
      if (owner.plan_id !== planId) badRequest("所选重点工作不属于该年度计划，请刷新页面后重试。");
      const snapshot = (await taskSnapshot(trx, edit.taskId))!;
      const current = editableOf(snapshot);
      const values = typeof edit.values === "function" ? edit.values(ledgerValuesOf(current)) : edit.values;
      const mine = applyLedgerValues(current, values);
      try {
        const outcome = await updateTaskIn(trx, actor, edit.taskId, edit.version, taskFieldsOf(mine));
        if (outcome.changed) changed++;
      } catch (thrown) {
        if (!isRefusal(thrown) || thrown.status !== 409) throw thrown;
        refused.push({ taskId: edit.taskId, code: snapshot.code, message: thrown.message });
      }
    }
    if (refused.length > 0) {
      const detail: LedgerConflictDetail = { tasks: refused };
      conflict(
        `已被他人修改：${refused.map((r) => r.code).join("、")}在您编辑期间被其他人改过，本次修改全部未保存。请刷新后核对再改。`,
        detail,
      );
    }
    for (const create of creates) {
      const { values } = create;
      const blank = applyLedgerValues(
        {
          title: values.title,
          description: "",
          category: "",
          origin: "manual",
          originRef: null,
          leadUserId: null,
          leadUnitId: null,
          supportUnitIds: [],
          startDate: null,
          dueDate: null,
          metrics: [],
        },
        values,
      );
      await createTaskIn(trx, actor, {
        planId,
        title: blank.title,
        category: blank.category,
        origin: "manual",
        leadUserId: blank.leadUserId,
        leadUnitId: blank.leadUnitId,
        supportUnitIds: blank.supportUnitIds,
        dueDate: blank.dueDate,
        metrics: blank.metrics.map(({ id: _id, ...metric }) => metric),
      });
    }
    return { changed, created: creates.length };
  });
}
