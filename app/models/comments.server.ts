// Comments on a task (with @单位 mentions) and 催办: a leader's note to a unit about a task,
// at most once a day per unit × task. Each write is one transaction with its audit row.
import type { Kysely, Transaction } from "kysely";
import type { AppDatabase } from "../../db/index";
import type { CommentKind, Database } from "../../db/schema";
import { findMentions, URGE_INTERVAL_HOURS } from "~/lib/updates";
import { toDateKey } from "~/lib/weeks";
import { can, type Actor } from "~/utils/permissions";
import { recordAudit } from "~/models/audit.server";
import { badRequest, forbidden, notFound } from "~/lib/refusal";
import { outboxWritten } from "~/models/outbox.server";
import { enqueueUrge } from "~/models/urge-messages.server";
import { unitName, userName } from "~/models/names.server";
import { selectTasksWithPlan } from "~/models/task-relations.server";

type Db = Kysely<Database> | Transaction<Database>;

export const COMMENT_MAX_LENGTH = 1000;
export const URGE_NOTE_MAX_LENGTH = 300;

export interface TaskComment {
  id: number;
  kind: CommentKind;
  body: string;
  createdAt: string;
  author: string;
  targetUnit: string | null;
  mentions: string[];
}

/** A task's comments, 催办, 验收 and 驳回 notes, newest first. */
export async function listTaskComments(db: AppDatabase, taskId: number): Promise<TaskComment[]> {
  const rows = await db
    .selectFrom("comments")
    .select((eb) => [
      "comments.id",
      "comments.kind",
      "comments.body",
      "comments.created_at as createdAt",
      userName(eb, "comments.author_id").$notNull().as("author"),
      unitName(eb, "comments.target_unit_id").as("targetUnit"),
    ])
    .where("comments.task_id", "=", taskId)
    .orderBy("comments.created_at", "desc")
    .orderBy("comments.id", "desc")
    .limit(200)
    .execute();
  const mentions = rows.length
    ? await db
        .selectFrom("comment_mentions")
        .innerJoin("units", "units.id", "comment_mentions.unit_id")
        .select(["comment_mentions.comment_id", "units.name"])
        .where(
          "comment_mentions.comment_id",
          "in",
          rows.map((r) => r.id),
        )
        .execute()
    : [];
  return rows.map((row) => ({ ...row, mentions: mentions.filter((m) => m.comment_id === row.id).map((m) => m.name) }));
}

/** The day a task starts: its start date, else its plan's 1 January ("YYYY-MM-DD"). */
async function taskStartDates(db: Db, taskIds: number[]): Promise<Map<number, string>> {
  if (taskIds.length === 0) return new Map();
  const rows = await selectTasksWithPlan(db)
    .select(["tasks.id", "tasks.start_date", "plans.year"])
    .where("tasks.id", "in", taskIds)
    .execute();
  return new Map(rows.map((row) => [row.id, row.start_date ?? `${row.year}-01-01`]));
}

function formatDateKey(key: string): string {
  const [year, month, day] = key.split("-").map(Number);
  return `${year}年${month}月${day}日`;
}

async function requireTask(db: Db, taskId: number) {
  const task = await db.selectFrom("tasks").select(["id", "plan_id", "status"]).where("id", "=", taskId).executeTakeFirst();
  if (!task) notFound("没有找到这项重点工作，它可能已被删除。");
  return task;
}

export async function postComment(
  db: AppDatabase,
  actor: Actor,
  taskId: number,
  body: string,
  now: Date = new Date(),
): Promise<{ id: number; mentions: string[] }> {
  if (!can(actor, "comments.post")) forbidden("查看账号不能发表评论。");
  const text = body.trim();
  if (!text) badRequest("请填写评论内容。");
  if (text.length > COMMENT_MAX_LENGTH) badRequest(`评论不能超过${COMMENT_MAX_LENGTH}个字。`);
  return db.transaction().execute(async (trx) => {
    await requireTask(trx, taskId);
    const units = await trx.selectFrom("units").select(["id", "name"]).where("active", "=", 1).execute();
    const mentioned = findMentions(
      text,
      units.map((u) => u.name),
    );
    const row = await trx
      .insertInto("comments")
      .values({ task_id: taskId, author_id: actor.id, kind: "comment", body: text, created_at: now.toISOString() })
      .returning("id")
      .executeTakeFirstOrThrow();
    const mentionIds = mentioned.map((name) => units.find((u) => u.name === name)!.id);
    if (mentionIds.length) {
      await trx
        .insertInto("comment_mentions")
        .values(mentionIds.map((unit_id) => ({ comment_id: row.id, unit_id })))
        .execute();
    }
    await recordAudit(
      trx,
      {
        actorId: actor.id,
        action: "comment.create",
        entity: "comment",
        entityId: row.id,
        after: { taskId, body: text, mentionUnitIds: mentionIds },
      },
      now,
    );
    return { id: row.id, mentions: mentioned };
  });
}

export type UrgeResult = { ok: true; id: number; unitName: string } | { ok: false; unitName: string; lastAt: string };

/** The default note when a leader urges without writing one. */
export function defaultUrgeNote(week: string | null): string {
  return week ? `请尽快填报${week.replace(/^(\d{4})-W0?(\d+)$/, "$1年第$2周")}的工作进展。` : "请尽快填报本周工作进展。";
}

/**
 * 催办 of one unit about one task. Refused (ok: false, nothing written) when the same unit was
 * urged about the same task within the last day; 403 for anyone but leaders and admins.
 */
export async function urgeUnit(
  db: AppDatabase,
  actor: Actor,
  input: { taskId: number; unitId: number; note: string },
  now: Date = new Date(),
): Promise<UrgeResult> {
  if (!can(actor, "urge")) forbidden("只有街道领导或系统管理员可以催办。");
  const note = input.note.trim();
  if (note.length > URGE_NOTE_MAX_LENGTH) badRequest(`催办说明不能超过${URGE_NOTE_MAX_LENGTH}个字。`);
  const result = await db.transaction().execute(async (trx) => {
    const urged = await urgeIn(trx, actor, { ...input, note }, now);
    // The unit's robots and mail get it through the outbox, written with the 催办 itself.
    if (urged.ok) await enqueueUrge(trx, { actorId: actor.id, unitId: input.unitId, taskIds: [input.taskId], note: urged.body }, now);
    return urged;
  });
  if (!result.ok) return result;
  outboxWritten();
  return { ok: true, id: result.id, unitName: result.unitName };
}

async function urgeIn(
  trx: Transaction<Database>,
  actor: Actor,
  input: { taskId: number; unitId: number; note: string },
  now: Date,
): Promise<(UrgeResult & { ok: false }) | { ok: true; id: number; unitName: string; body: string }> {
  const task = await requireTask(trx, input.taskId);
  if (task.status === "done") badRequest("这项重点工作已销号，无需催办。");
  // 未开始: nothing is due before the task (or its plan's year) starts.
  const start = (await taskStartDates(trx, [task.id])).get(task.id);
  if (start && start > toDateKey(now)) badRequest(`这项重点工作${formatDateKey(start)}才开始，开始前无需填报，不能催办。`);
  const unit = await trx
    .selectFrom("task_units")
    .innerJoin("units", "units.id", "task_units.unit_id")
    .select(["units.id", "units.name"])
    .where("task_units.task_id", "=", input.taskId)
    .where("task_units.unit_id", "=", input.unitId)
    .executeTakeFirst();
  if (!unit) badRequest("该单位不是这项重点工作的牵头单位或配合单位，无法催办。");
  const since = new Date(now.getTime() - URGE_INTERVAL_HOURS * 3600_000).toISOString();
  const recent = await trx
    .selectFrom("comments")
    .select("created_at")
    .where("task_id", "=", input.taskId)
    .where("kind", "=", "urge")
    .where("target_unit_id", "=", input.unitId)
    .where("created_at", ">", since)
    .orderBy("created_at", "desc")
    .limit(1)
    .executeTakeFirst();
  if (recent) return { ok: false, unitName: unit.name, lastAt: recent.created_at };
  const body = input.note || defaultUrgeNote(null);
  const row = await trx
    .insertInto("comments")
    .values({ task_id: input.taskId, author_id: actor.id, kind: "urge", target_unit_id: input.unitId, body, created_at: now.toISOString() })
    .returning("id")
    .executeTakeFirstOrThrow();
  await recordAudit(
    trx,
    {
      actorId: actor.id,
      action: "urge.create",
      entity: "comment",
      entityId: row.id,
      after: { taskId: input.taskId, unitId: input.unitId, body },
    },
    now,
  );
  return { ok: true, id: row.id, unitName: unit.name, body };
}

/** 催办 of many cells at once (填报情况 “一键催办”), in one transaction; recent ones are skipped. */
export async function urgeMany(
  db: AppDatabase,
  actor: Actor,
  cells: { taskId: number; unitId: number }[],
  note: string,
  now: Date = new Date(),
): Promise<{ sent: number; skipped: number }> {
  if (!can(actor, "urge")) forbidden("只有街道领导或系统管理员可以催办。");
  const outcome = await db.transaction().execute(async (trx) => {
    let sent = 0;
    let skipped = 0;
    // One message per unit, listing every task it was urged about (not one per cell).
    const urgedByUnit = new Map<number, number[]>();
    const taskIds = [...new Set(cells.map((c) => c.taskId))];
    const closed = new Set(
      taskIds.length
        ? (await trx.selectFrom("tasks").select("id").where("id", "in", taskIds).where("status", "=", "done").execute()).map((t) => t.id)
        : [],
    );
    const today = toDateKey(now);
    const starts = await taskStartDates(trx, taskIds);
    for (const cell of cells) {
      if (closed.has(cell.taskId) || (starts.get(cell.taskId) ?? "") > today) {
        skipped++;
        continue;
      }
      const result = await urgeIn(trx, actor, { ...cell, note }, now);
      if (result.ok) {
        sent++;
        urgedByUnit.set(cell.unitId, [...(urgedByUnit.get(cell.unitId) ?? []), cell.taskId]);
      } else skipped++;
    }
    for (const [unitId, taskIds] of urgedByUnit) {
      await enqueueUrge(trx, { actorId: actor.id, unitId, taskIds, note: note.trim() || defaultUrgeNote(null) }, now);
    }
    return { sent, skipped };
  });
  if (outcome.sent > 0) outboxWritten();
  return outcome;
}
