// 我的待办: what is due from the signed-in user this week — their unit's missing 填报, 催办 and
// @mentions they received, their tasks that turned yellow or red, 驳回 waiting for them, and
// (leaders) cards waiting for 验收 and 延期申请 waiting for a decision. countTodo is the cheap number behind the nav badge.
import type { ExpressionBuilder } from "kysely";
import type { AppDatabase } from "../../db/index";
import type { Database } from "../../db/schema";
import { EMPTY_FILTERS } from "~/lib/board";
import type { LightResult } from "~/lib/lights";
import { weekKeyOf } from "~/lib/weeks";
import type { Actor } from "~/utils/permissions";
import { activePlanIds, weekCells } from "~/models/reports.server";
import { listBoard } from "~/routes/board/cards.server";
import { getPlan } from "~/models/plans.server";
import { listInAppNotices, type InAppNotice } from "~/models/outbox.server";
import { countPendingExtensions, listPendingExtensions, type PendingExtension } from "~/models/extensions.server";
import { whileUnchanged } from "~/utils/while-unchanged.server";
import { userName } from "~/models/names.server";

const RECENT_DAYS = 30;

export interface TodoTask {
  taskId: number;
  code: string;
  title: string;
}

export interface TodoNote extends TodoTask {
  id: number;
  body: string;
  author: string;
  createdAt: string;
}

export interface TodoData {
  week: string;
  unitName: string | null;
  due: (TodoTask & { role: "lead" | "support" })[];
  urges: (TodoNote & { handled: boolean })[];
  mentions: TodoNote[];
  flagged: (TodoTask & { light: LightResult })[];
  rejections: TodoNote[];
  toVerify: (TodoTask & { leadUnit: string | null; mine: boolean })[];
  /** 系统提醒: in-app copies of the scheduled reminders of the last week. */
  notices: InAppNotice[];
  /** 延期申请 waiting for a leader's decision (leaders and admins). */
  extensions: PendingExtension[];
}

function sinceIso(now: Date, days: number): string {
  return new Date(now.getTime() - days * 86_400_000).toISOString();
}

/** What a TodoNote is read as: the comment and its task (its author's name is selected beside). */
const NOTE_COLUMNS = [
  "comments.id",
  "comments.body",
  "comments.created_at as createdAt",
  "tasks.id as taskId",
  "tasks.code",
  "tasks.title",
] as const;

/** The unit's 填报 on the comment's task saved after the comment was written. */
function unitUpdatesSince(eb: ExpressionBuilder<Database, "comments">, unitId: number) {
  return eb
    .selectFrom("updates")
    .select("updates.id")
    .whereRef("updates.task_id", "=", "comments.task_id")
    .where("updates.unit_id", "=", unitId)
    .whereRef("updates.updated_at", ">", "comments.created_at");
}

/** 催办 to the unit in the last 30 days; handled once the unit has reported on the task since. */
async function unitUrges(db: AppDatabase, unitId: number, now: Date): Promise<(TodoNote & { handled: boolean })[]> {
  const rows = await db
    .selectFrom("comments")
    .innerJoin("tasks", "tasks.id", "comments.task_id")
    .innerJoin("plans", "plans.id", "tasks.plan_id")
    .select(NOTE_COLUMNS)
    .select((eb) => userName(eb, "comments.author_id").$notNull().as("author"))
    .select("tasks.status")
    .select((eb) => eb.exists(unitUpdatesSince(eb, unitId)).as("reportedSince"))
    .where("comments.kind", "=", "urge")
    .where("comments.target_unit_id", "=", unitId)
    .where("comments.created_at", ">", sinceIso(now, RECENT_DAYS))
    .where("plans.status", "=", "active")
    .orderBy("comments.created_at", "desc")
    .execute();
  return rows.map(({ reportedSince, status, ...row }) => ({ ...row, handled: Boolean(reportedSince) || status === "done" }));
}

async function unitMentions(db: AppDatabase, unitId: number, now: Date): Promise<TodoNote[]> {
  return db
    .selectFrom("comment_mentions")
    .innerJoin("comments", "comments.id", "comment_mentions.comment_id")
    .innerJoin("tasks", "tasks.id", "comments.task_id")
    .select(NOTE_COLUMNS)
    .select((eb) => userName(eb, "comments.author_id").$notNull().as("author"))
    .where("comment_mentions.unit_id", "=", unitId)
    .where("comments.created_at", ">", sinceIso(now, RECENT_DAYS))
    .orderBy("comments.created_at", "desc")
    .limit(50)
    .execute();
}

/** 驳回 of the unit's tasks still open: the task is back in 推进中/未启动 and the unit has not reported since. */
async function unitRejections(db: AppDatabase, unitId: number): Promise<TodoNote[]> {
  return db
    .selectFrom("comments")
    .innerJoin("tasks", "tasks.id", "comments.task_id")
    .innerJoin("plans", "plans.id", "tasks.plan_id")
    .innerJoin("task_units", (join) => join.onRef("task_units.task_id", "=", "tasks.id").on("task_units.unit_id", "=", unitId))
    .select(NOTE_COLUMNS)
    .select((eb) => userName(eb, "comments.author_id").$notNull().as("author"))
    .where("comments.kind", "=", "reject")
    .where("tasks.status", "in", ["in_progress", "not_started"])
    .where("plans.status", "=", "active")
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("comments as later")
            .select("later.id")
            .whereRef("later.task_id", "=", "comments.task_id")
            .where("later.kind", "=", "reject")
            .whereRef("later.created_at", ">", "comments.created_at"),
        ),
      ),
    )
    .where((eb) => eb.not(eb.exists(unitUpdatesSince(eb, unitId))))
    .orderBy("comments.created_at", "desc")
    .execute();
}

export async function getTodo(db: AppDatabase, actor: Actor, now: Date, today: string): Promise<TodoData> {
  const week = weekKeyOf(now);
  const planIds = await activePlanIds(db);
  const unitId = actor.unitId;
  const unitName =
    unitId != null ? ((await db.selectFrom("units").select("name").where("id", "=", unitId).executeTakeFirst())?.name ?? null) : null;

  const due: TodoData["due"] = [];
  if (unitId != null) {
    for (const row of await weekCells(db, planIds, week, now, unitId)) {
      const cell = row.cells[0];
      if (cell && cell.status === "missing") due.push({ taskId: row.taskId, code: row.code, title: row.title, role: cell.role });
    }
  }

  const flagged: TodoData["flagged"] = [];
  const toVerify: TodoData["toVerify"] = [];
  for (const planId of planIds) {
    const plan = await getPlan(db, planId);
    if (!plan) continue;
    // Every card: a flagged one may sit past the board's first page of its column.
    const { cards } = await listBoard(db, plan, { filters: EMPTY_FILTERS, today, limit: Infinity });
    for (const card of cards) {
      const mine =
        unitId != null ? card.leadUnit?.id === unitId || card.supportUnits.some((u) => u.id === unitId) : card.leadUser?.id === actor.id;
      if (mine && (card.light.light === "yellow" || card.light.light === "red")) {
        flagged.push({ taskId: card.id, code: card.code, title: card.title, light: card.light });
      }
      if ((actor.role === "leader" || actor.role === "admin") && card.status === "pending_review") {
        toVerify.push({
          taskId: card.id,
          code: card.code,
          title: card.title,
          leadUnit: card.leadUnit?.name ?? null,
          mine: card.leadUser?.id === actor.id,
        });
      }
    }
  }
  flagged.sort((a, b) => Number(b.light.light === "red") - Number(a.light.light === "red") || a.code.localeCompare(b.code));
  toVerify.sort((a, b) => Number(b.mine) - Number(a.mine) || a.code.localeCompare(b.code));

  return {
    week,
    unitName,
    due,
    urges: unitId != null ? await unitUrges(db, unitId, now) : [],
    mentions: unitId != null ? await unitMentions(db, unitId, now) : [],
    flagged,
    rejections: unitId != null ? await unitRejections(db, unitId) : [],
    toVerify,
    notices: await listInAppNotices(db, actor, now),
    extensions: await listPendingExtensions(db, actor),
  };
}

/**
 * countTodo, reused while the database is unchanged within the same minute (every page's
 * navigation shows it; what it counts changes with the data and, for 填报 due and 催办, the time).
 */
export function countTodoReusing(db: AppDatabase, actor: Actor, now: Date, scope?: object): Promise<number> {
  const key = `todo:${actor.role}:${actor.unitId ?? ""}:${now.toISOString().slice(0, 16)}`;
  return whileUnchanged(db, key, () => countTodo(db, actor, now), scope);
}

/** The nav badge: missing 填报 of my unit this week + 催办 not yet answered (+ 待验收 for leaders). */
export async function countTodo(db: AppDatabase, actor: Actor, now: Date): Promise<number> {
  if (actor.role === "viewer") return 0;
  if (actor.unitId == null) {
    // Leaders and admins without a unit (the usual case): 待验收 only, in one query (every page pays it).
    if (actor.role !== "leader" && actor.role !== "admin") return 0;
    const row = await db
      .selectFrom("tasks")
      .innerJoin("plans", "plans.id", "tasks.plan_id")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("plans.status", "=", "active")
      .where("tasks.status", "=", "pending_review")
      .executeTakeFirstOrThrow();
    return Number(row.n) + (await countPendingExtensions(db));
  }
  const planIds = await activePlanIds(db);
  if (planIds.length === 0) return 0;
  let count = 0;
  if (actor.unitId != null) {
    const rows = await weekCells(db, planIds, weekKeyOf(now), now, actor.unitId);
    count += rows.filter((r) => r.cells[0]?.status === "missing").length;
    count += (await unitUrges(db, actor.unitId, now)).filter((u) => !u.handled).length;
    count += (await unitRejections(db, actor.unitId)).length;
  }
  if (actor.role === "leader" || actor.role === "admin") {
    const row = await db
      .selectFrom("tasks")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("plan_id", "in", planIds)
      .where("status", "=", "pending_review")
      .executeTakeFirstOrThrow();
    count += Number(row.n) + (await countPendingExtensions(db));
  }
  return count;
}
