// 延期申请: applying for a later 完成时限, and a leader's decision. Each write is one transaction
// with its audit row on the task (so the card's history shows it). An approval changes the
// task's 完成时限 like an edit does: the version goes up and the audit row holds full snapshots
// before and after, so an edit drawn from the older version merges with it (task-merge) and a
// stale delete is told what changed.
import type { Kysely, Transaction } from "kysely";
import type { AppDatabase } from "../../db/index";
import type { Database, ExtensionStatus } from "../../db/schema";
import {
  checkDecisionNote,
  checkExtensionRequest,
  EXTENSION_STATUS_LABELS,
  extensionBlocker,
  mayApplyForExtension,
  mayDecideExtension,
} from "~/lib/extensions";
import { badRequest, conflict, forbidden, notFound } from "~/lib/refusal";
import { formatDate, formatDateTime, toDateKey } from "~/lib/weeks";
import type { Actor } from "~/utils/permissions";
import { recordAudit } from "~/models/audit.server";
import { bumpChangeSeq } from "~/models/plans.server";
import { taskSnapshot } from "~/routes/board/tasks.server";
import { unitName, userName } from "~/models/names.server";
import { selectTasksWithPlan } from "~/models/task-relations.server";

type Db = Kysely<Database> | Transaction<Database>;

export interface ExtensionRequest {
  id: number;
  taskId: number;
  status: ExtensionStatus;
  oldDueDate: string | null;
  requestedDueDate: string;
  reason: string;
  requestedBy: string | null;
  unit: string | null;
  createdAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string;
}

/** What audit_log records of a request (no `version` key: only full snapshots carry one). */
export interface ExtensionAudit {
  extensionId: number;
  requestedDueDate: string;
  oldDueDate: string | null;
  reason: string;
  note?: string;
}

function selectRequests(db: Db) {
  return db
    .selectFrom("task_extensions as e")
    .select((eb) => [
      "e.id",
      "e.task_id as taskId",
      "e.status",
      "e.old_due_date as oldDueDate",
      "e.requested_due_date as requestedDueDate",
      "e.reason",
      userName(eb, "e.requested_by").as("requestedBy"),
      unitName(eb, "e.unit_id").as("unit"),
      "e.created_at as createdAt",
      userName(eb, "e.decided_by").as("decidedBy"),
      "e.decided_at as decidedAt",
      "e.decision_note as decisionNote",
    ]);
}

/** A task's requests, newest first. */
export async function listTaskExtensions(db: Db, taskId: number): Promise<ExtensionRequest[]> {
  return selectRequests(db).where("e.task_id", "=", taskId).orderBy("e.created_at", "desc").orderBy("e.id", "desc").execute();
}

export interface PendingExtension extends ExtensionRequest {
  code: string;
  title: string;
  /** The signed-in leader is the task's 责任领导. */
  mine: boolean;
}

/** Requests waiting for a decision in active plans (我的待办 of leaders), the actor's own tasks first. */
export async function listPendingExtensions(db: AppDatabase, actor: Actor): Promise<PendingExtension[]> {
  if (!mayDecideExtension(actor)) return [];
  const rows = await selectRequests(db)
    .innerJoin("tasks", "tasks.id", "e.task_id")
    .innerJoin("plans", "plans.id", "tasks.plan_id")
    .select(["tasks.code", "tasks.title", "tasks.lead_user_id"])
    .where("e.status", "=", "pending")
    .where("plans.status", "=", "active")
    .orderBy("e.created_at")
    .execute();
  return rows
    .map(({ lead_user_id, ...row }) => ({ ...row, mine: lead_user_id === actor.id }))
    .sort((a, b) => Number(b.mine) - Number(a.mine));
}

/** How many requests wait for a decision (the nav badge of leaders). */
export async function countPendingExtensions(db: AppDatabase): Promise<number> {
  const row = await db
    .selectFrom("task_extensions")
    .innerJoin("tasks", "tasks.id", "task_extensions.task_id")
    .innerJoin("plans", "plans.id", "tasks.plan_id")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("task_extensions.status", "=", "pending")
    .where("plans.status", "=", "active")
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function loadTask(trx: Db, taskId: number) {
  const task = await selectTasksWithPlan(trx)
    .leftJoin("task_units", (join) => join.onRef("task_units.task_id", "=", "tasks.id").on("task_units.role", "=", "lead"))
    .select([
      "tasks.id",
      "tasks.plan_id",
      "tasks.status",
      "tasks.due_date",
      "tasks.original_due_date",
      "tasks.version",
      "plans.status as plan_status",
      "task_units.unit_id as lead_unit_id",
    ])
    .where("tasks.id", "=", taskId)
    .executeTakeFirst();
  if (!task) notFound("没有找到这项重点工作，它可能已被删除。");
  return task;
}

/** Applies for a new 完成时限. Refused: no right, a pending request already there, a bad date or reason. */
export async function applyForExtension(
  db: AppDatabase,
  actor: Actor,
  input: { taskId: number; dueDate: string; reason: string },
  now: Date = new Date(),
): Promise<{ id: number }> {
  return db.transaction().execute((trx) => applyForExtensionIn(trx, actor, input, now));
}

/** applyForExtension inside a caller's transaction (the first start's demo story). */
export async function applyForExtensionIn(
  trx: Transaction<Database>,
  actor: Actor,
  input: { taskId: number; dueDate: string; reason: string },
  now: Date,
): Promise<{ id: number }> {
  const task = await loadTask(trx, input.taskId);
  if (!mayApplyForExtension(actor, { leadUnitId: task.lead_unit_id })) {
    forbidden(actor.role === "secretary" ? "只有这项重点工作的牵头单位或街道领导可以申请延期。" : "您的账号不能申请延期。");
  }
  const pending = await trx
    .selectFrom("task_extensions")
    .select("id")
    .where("task_id", "=", task.id)
    .where("status", "=", "pending")
    .executeTakeFirst();
  const blocker = extensionBlocker({ status: task.status, planActive: task.plan_status === "active", hasPending: !!pending });
  if (blocker) (pending ? conflict : badRequest)(blocker);
  const check = checkExtensionRequest(input, { dueDate: task.due_date, today: toDateKey(now) });
  if (!check.ok) badRequest(check.message, { field: check.field });
  const created = await trx
    .insertInto("task_extensions")
    .values({
      task_id: task.id,
      requested_by: actor.id,
      unit_id: actor.role === "secretary" ? actor.unitId : null,
      old_due_date: task.due_date,
      requested_due_date: check.dueDate,
      reason: check.reason,
      created_at: now.toISOString(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const after: ExtensionAudit = {
    extensionId: created.id,
    requestedDueDate: check.dueDate,
    oldDueDate: task.due_date,
    reason: check.reason,
  };
  await recordAudit(trx, { actorId: actor.id, action: "task.extension_apply", entity: "task", entityId: task.id, after }, now);
  return { id: created.id };
}

export interface DecisionOutcome {
  decision: "approve" | "refuse";
  taskId: number;
  dueDate: string | null;
}

/**
 * Approves or refuses a pending request, in one transaction. A request already decided (by
 * someone else meanwhile, or a second click) is refused with 409 saying who decided it, and
 * changes nothing. Approval sets the task's 完成时限 (and keeps the first one as
 * original_due_date), raises its version and the plan's change counter.
 */
export async function decideExtension(
  db: AppDatabase,
  actor: Actor,
  input: { extensionId: number; decision: "approve" | "refuse"; note: string },
  now: Date = new Date(),
): Promise<DecisionOutcome> {
  return db.transaction().execute((trx) => decideExtensionIn(trx, actor, input, now));
}

/** decideExtension inside a caller's transaction (the first start's demo story). */
export async function decideExtensionIn(
  trx: Transaction<Database>,
  actor: Actor,
  input: { extensionId: number; decision: "approve" | "refuse"; note: string },
  now: Date,
): Promise<DecisionOutcome> {
  if (!mayDecideExtension(actor)) forbidden("只有街道领导可以审批延期申请。");
  const checked = checkDecisionNote(input.decision, input.note);
  if (!checked.ok) badRequest(checked.message, { field: "note" });
  const request = await selectRequests(trx).where("e.id", "=", input.extensionId).executeTakeFirst();
  if (!request) notFound("没有找到这份延期申请，它可能已被删除。");
  if (request.status !== "pending") {
    const who = request.decidedBy ? `${request.decidedBy}已于${formatDateTime(request.decidedAt!)}` : "已";
    conflict(`这份延期申请${who}处理（${EXTENSION_STATUS_LABELS[request.status]}），无需重复审批。请刷新页面查看。`);
  }
  const task = await loadTask(trx, request.taskId);
  if (task.plan_status !== "active") badRequest("该年度计划已归档，不能再审批延期。");
  if (input.decision === "approve" && task.status === "done") {
    conflict("这项重点工作已销号，不能再延期。如仍需处理，请选择“不同意”并说明。");
  }
  const decided = await trx
    .updateTable("task_extensions")
    .set({
      status: input.decision === "approve" ? "approved" : "refused",
      decided_by: actor.id,
      decided_at: now.toISOString(),
      decision_note: checked.note,
    })
    .where("id", "=", request.id)
    .where("status", "=", "pending")
    .executeTakeFirst();
  if (Number(decided.numUpdatedRows) !== 1) conflict("这份延期申请已被他人处理，无需重复审批。请刷新页面查看。");

  const extension: ExtensionAudit = {
    extensionId: request.id,
    requestedDueDate: request.requestedDueDate,
    oldDueDate: request.oldDueDate,
    reason: request.reason,
    note: checked.note,
  };
  if (input.decision === "refuse") {
    await recordAudit(
      trx,
      { actorId: actor.id, action: "task.extension_refuse", entity: "task", entityId: task.id, after: extension },
      now,
    );
    return { decision: input.decision, taskId: task.id, dueDate: task.due_date };
  }

  const before = (await taskSnapshot(trx, task.id))!;
  await trx
    .updateTable("tasks")
    .set({
      due_date: request.requestedDueDate,
      original_due_date: task.original_due_date ?? task.due_date,
      updated_at: now.toISOString(),
      version: task.version + 1,
    })
    .where("id", "=", task.id)
    .where("version", "=", task.version)
    .execute();
  await bumpChangeSeq(trx, task.plan_id);
  const after = { ...(await taskSnapshot(trx, task.id))!, extension };
  await recordAudit(trx, { actorId: actor.id, action: "task.extend", entity: "task", entityId: task.id, before, after }, now);
  return { decision: input.decision, taskId: task.id, dueDate: request.requestedDueDate };
}

/** One line of a task's history for an extension audit row. */
export function extensionHistoryText(
  action: string,
  after: Partial<ExtensionAudit> | null,
): { text: string; reason?: string; reasonLabel?: string } {
  const to = after?.requestedDueDate ? formatDate(after.requestedDueDate) : "新的完成时限";
  if (action === "task.extension_apply") return { text: `申请将完成时限延至${to}`, reason: after?.reason, reasonLabel: "申请理由" };
  if (action === "task.extension_refuse") {
    return { text: `未同意延期申请（申请延至${to}）`, reason: after?.note, reasonLabel: "理由" };
  }
  const from = after?.oldDueDate ? formatDate(after.oldDueDate) : "未设定";
  return { text: `批准延期：完成时限由${from}延至${to}`, reason: after?.note || undefined, reasonLabel: "审批意见" };
}

/** The approved requests of a plan's tasks, joined with the tasks; callers add `.select` and any further `.where`. */
export function selectApprovedExtensions(db: Db, planId: number) {
  return db
    .selectFrom("task_extensions")
    .innerJoin("tasks", "tasks.id", "task_extensions.task_id")
    .where("tasks.plan_id", "=", planId)
    .where("task_extensions.status", "=", "approved");
}

/** Approved requests per task of a plan: the count and the first 完成时限 (for the 工作台账 and the summary). */
export async function approvedExtensionsByTask(
  db: Db,
  planId: number,
): Promise<Map<number, { count: number; originalDueDate: string | null }>> {
  const rows = await selectApprovedExtensions(db, planId)
    .select(["task_extensions.task_id", "task_extensions.old_due_date", "task_extensions.decided_at"])
    .orderBy("task_extensions.decided_at")
    .orderBy("task_extensions.id")
    .execute();
  const byTask = new Map<number, { count: number; originalDueDate: string | null }>();
  for (const row of rows) {
    const seen = byTask.get(row.task_id);
    if (seen) seen.count += 1;
    else byTask.set(row.task_id, { count: 1, originalDueDate: row.old_due_date });
  }
  return byTask;
}
