// Moving a card: the server computes its place from its new neighbours' keys, checks who may
// move what, and records the transition.
import type { AppDatabase } from "../../../db/index";
import type { Database, TaskStatus } from "../../../db/schema";
import { classifyMove, moveProblem, STATUS_LABELS, type MoveKind } from "~/lib/board";
import { formatDateTime } from "~/lib/weeks";
import type { Transaction } from "kysely";
import { preparedQuery } from "../../../db/prepared-query";
import { parseJson } from "~/routes/board/tasks.server";
import { positionBetween } from "~/lib/positions";
import type { Actor } from "~/utils/permissions";
import { recordAudit } from "~/models/audit.server";
import { deferChangeSeqBump, planThresholds, type PlanInfo } from "~/models/plans.server";
import { deferWrite } from "../../../db/deferred-write";
import { badRequest, conflict, forbidden, notFound } from "~/lib/refusal";
import { selectTasksWithPlan } from "~/models/task-relations.server";

export type MovePlace = { kind: "between"; beforeId: number | null; afterId: number | null } | { kind: "top" } | { kind: "bottom" };

export interface MoveInput {
  taskId: number;
  toStatus: TaskStatus;
  place: MovePlace;
  reason: string;
  /** The card's version when the board was drawn; a move of a card others changed since is refused. */
  version?: number | null;
}

export interface MoveResult {
  planId: number;
  /** What the moved card needs to be built again: its plan's year and 督办灯 thresholds. */
  plan: Pick<PlanInfo, "id" | "year" | "thresholds">;
  kind: MoveKind;
  from: TaskStatus;
  to: TaskStatus;
  position: string;
  version: number;
  /** The plan's change counter before and after this move (the poll compares it). */
  seqBefore: number;
  seqAfter: number;
}

export interface StaleMoveDetail {
  /** Where the card really is now, so the board can show it there. */
  taskId: number;
  status: TaskStatus;
  version: number;
}

/**
 * Refuses a move from a stale board when someone else changed the card since `version`;
 * changes by the mover themself (an earlier move still in flight) do not count.
 * The message says who moved it where and when.
 */
async function refuseStaleMove(
  trx: Transaction<Database>,
  actor: Actor,
  task: { id: number; status: TaskStatus; version: number },
  version: number,
): Promise<void> {
  const rows = await trx
    .selectFrom("audit_log")
    .leftJoin("users", "users.id", "audit_log.actor_id")
    .select(["audit_log.actor_id", "audit_log.action", "audit_log.after_json", "audit_log.created_at", "users.display_name"])
    .where("audit_log.entity", "=", "task")
    .where("audit_log.entity_id", "=", String(task.id))
    .orderBy("audit_log.id", "desc")
    .limit(50)
    .execute();
  const later = rows.filter((row) => {
    const after = parseJson<{ version?: unknown }>(row.after_json);
    return typeof after?.version === "number" && after.version > version;
  });
  const others = later.filter((row) => row.actor_id !== actor.id);
  // Unknown history (e.g. an imported change without a version) counts as someone else's.
  if (later.length > 0 && others.length === 0) return;
  const last = others[0];
  const who = last?.display_name ?? "其他人";
  const when = last ? formatDateTime(last.created_at) : "";
  const detail: StaleMoveDetail = { taskId: task.id, status: task.status, version: task.version };
  const what =
    last?.action?.startsWith("task.") && last.action !== "task.update" && last.action !== "task.create"
      ? `把这张卡片移到了「${STATUS_LABELS[task.status]}」`
      : `修改了这张卡片（现在在「${STATUS_LABELS[task.status]}」）`;
  conflict(`${who}${when ? ` 已于 ${when} ` : " 刚刚"}${what}。卡片已显示在它现在的位置，如仍需移动请重新操作。`, detail);
}

const NEIGHBOUR_MOVED = "目标位置的相邻卡片已不在该列（可能刚被他人移动）。请刷新看板后重新拖放。";

/**
 * The task a move is about, with its plan, and the key of the card at the target column's
 * bottom (or top): everything a plain drop needs, in one statement built once.
 */
function taskToMoveQuery(edge: "top" | "bottom") {
  return preparedQuery((db, { taskId, toStatus }: { taskId: number; toStatus: TaskStatus }) =>
    selectTasksWithPlan(db)
      .select([
        "tasks.id",
        "tasks.plan_id",
        "tasks.status",
        "tasks.position",
        "tasks.version",
        "tasks.carried_to_task_id",
        "plans.status as plan_status",
        "plans.year as plan_year",
        "plans.light_thresholds",
        "plans.change_seq as plan_change_seq",
      ])
      .select((eb) =>
        eb
          .selectFrom("tasks as column_task")
          .select("column_task.position")
          .whereRef("column_task.plan_id", "=", "tasks.plan_id")
          .where("column_task.status", "=", toStatus)
          .whereRef("column_task.id", "!=", "tasks.id")
          .$if(edge === "top", (qb) => qb.orderBy("column_task.position").orderBy("column_task.id"))
          .$if(edge !== "top", (qb) => qb.orderBy("column_task.position", "desc").orderBy("column_task.id", "desc"))
          .limit(1)
          .as("edge_position"),
      )
      .where("tasks.id", "=", taskId),
  );
}
const taskToMove = taskToMoveQuery("bottom");
const taskToMoveToTop = taskToMoveQuery("top");

/** The moved task's row as a move rewrites it; 验收 also stamps done_at, reopening clears it. */
function movedTaskUpdate(doneAt: "stamp" | "clear" | "keep") {
  return preparedQuery((db, v: { taskId: number; status: TaskStatus; position: string; version: number; now: string }) =>
    db
      .updateTable("tasks")
      .set({
        status: v.status,
        position: v.position,
        version: v.version,
        updated_at: v.now,
        ...(doneAt === "stamp" ? { done_at: v.now } : doneAt === "clear" ? { done_at: null } : {}),
      })
      .where("id", "=", v.taskId),
  );
}
const movedTaskUpdates = { stamp: movedTaskUpdate("stamp"), clear: movedTaskUpdate("clear"), keep: movedTaskUpdate("keep") };

/**
 * Moves a card to a column, between two neighbours (ids of the cards that will be directly
 * above and below it) or to the top or bottom. The key is computed here from the neighbours'
 * stored keys; one task row is written. Checks who may move what (see moveProblem) and records
 * the transition — who, when, from, to, reason — in audit_log, and 验收/驳回 also as comments.
 */
export async function moveTask(db: AppDatabase, actor: Actor, input: MoveInput): Promise<MoveResult> {
  const now = new Date().toISOString();
  const place = input.place;
  // To the top or bottom of the target column (a drop with no neighbour is a drop at the
  // bottom): the column's first or last key is read with the task, in the same statement.
  const edge =
    place.kind === "top" ? "top" : place.kind === "bottom" || (place.beforeId == null && place.afterId == null) ? "bottom" : null;
  return db.transaction().execute(async (trx) => {
    const task = await (edge === "top" ? taskToMoveToTop : taskToMove).executeTakeFirst(trx, {
      taskId: input.taskId,
      toStatus: input.toStatus,
    });
    if (!task) notFound("没有找到这张卡片，它可能已被删除。请刷新看板。");
    // Judged first: the rules below apply to the column the mover believed the card was in.
    if (input.version != null && input.version !== task.version) await refuseStaleMove(trx, actor, task, input.version);
    // Only a secretary's right depends on the task's units (see moveProblem).
    const unitIds =
      actor.role === "secretary"
        ? (await trx.selectFrom("task_units").select("unit_id").where("task_id", "=", task.id).execute()).map((u) => u.unit_id)
        : [];
    const problem = moveProblem(actor, { status: task.status, unitIds }, input.toStatus, input.reason);
    if (problem) (problem.status === 403 ? forbidden : badRequest)(problem.message);
    if (task.plan_status === "archived") badRequest("该年度计划已归档，看板只读。");
    if (task.carried_to_task_id != null)
      badRequest("这项工作已结转到下一年度，不再在本年度的看板上移动。请在下一年度的看板上处理接续它的任务。");

    const column = trx
      .selectFrom("tasks")
      .select(["id", "position"])
      .where("plan_id", "=", task.plan_id)
      .where("status", "=", input.toStatus)
      .where("id", "!=", task.id);
    const neighbour = async (id: number | null) => {
      if (id == null) return null;
      if (id === task.id) badRequest(NEIGHBOUR_MOVED);
      const row = await column.where("id", "=", id).executeTakeFirst();
      if (!row) badRequest(NEIGHBOUR_MOVED);
      return row;
    };

    let before: { position: string } | null = null;
    let after: { position: string } | null = null;
    const edgePosition = task.edge_position;
    if (edge === "top") {
      after = edgePosition != null ? { position: edgePosition } : null;
    } else if (edge === "bottom") {
      before = edgePosition != null ? { position: edgePosition } : null;
    } else if (place.kind === "between") {
      before = await neighbour(place.beforeId);
      after = await neighbour(place.afterId);
      // Only one neighbour named: the other side is whatever now sits next to it in the column.
      if (before && !after) {
        after = (await column.where("position", ">", before.position).orderBy("position").limit(1).executeTakeFirst()) ?? null;
      } else if (after && !before) {
        before = (await column.where("position", "<", after.position).orderBy("position", "desc").limit(1).executeTakeFirst()) ?? null;
      }
      if (before && after && before.position >= after.position) badRequest(NEIGHBOUR_MOVED);
    }
    const position = positionBetween(before?.position ?? null, after?.position ?? null);

    const kind = classifyMove(task.status, input.toStatus);
    const version = task.version + 1;
    // Every write from here on is sent with the COMMIT, in one trip (see db/deferred-write.ts).
    const update = movedTaskUpdates[kind === "verify" ? "stamp" : kind === "reopen" ? "clear" : "keep"];
    await deferWrite(trx, update.with(trx, { taskId: task.id, status: input.toStatus, position, version, now }));
    const reason = input.reason.trim();
    if (kind === "verify" || kind === "reject") {
      await deferWrite(
        trx,
        trx.insertInto("comments").values({
          task_id: task.id,
          author_id: actor.id,
          kind,
          body: reason || (kind === "verify" ? "验收通过，已销号。" : ""),
          created_at: now,
        }),
      );
    }
    // Read after BEGIN, and write transactions run one at a time: the counter is one more now.
    await deferChangeSeqBump(trx, task.plan_id);
    const seq = { before: task.plan_change_seq, after: task.plan_change_seq + 1 };
    await recordAudit(trx, {
      actorId: actor.id,
      action: kind === "advance" ? "task.move" : `task.${kind}`,
      entity: "task",
      entityId: task.id,
      before: { status: task.status, position: task.position, version: task.version },
      after: { from: task.status, to: input.toStatus, position, version, ...(reason ? { reason } : {}) },
    });
    return {
      planId: task.plan_id,
      plan: { id: task.plan_id, year: task.plan_year, thresholds: planThresholds(task.light_thresholds) },
      kind,
      from: task.status,
      to: input.toStatus,
      position,
      version,
      seqBefore: seq.before,
      seqAfter: seq.after,
    };
  });
}
