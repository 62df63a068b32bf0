// Idempotency keys of 填报 submissions: the offline queue on a phone resends a 填报 until it gets
// an answer; a resend whose key was stored is answered with the first result, never written twice.
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../../../db/schema";
import { deferWrite } from "../../../db/deferred-write";
import { badRequest, notFound } from "~/lib/refusal";
import type { Actor } from "~/utils/permissions";

type Db = Kysely<Database> | Transaction<Database>;

/** How long an idempotency key is remembered: far longer than a phone stays offline with a 填报 queued. */
export const SUBMISSION_KEY_DAYS = 30;

/**
 * The answer given to an earlier submission with this key, if there was one. A key belongs to one
 * person's 填报 of one task, unit and week: sent with anything else it is refused, never answered
 * with another 填报's result.
 */
export async function submittedBefore<Answer extends { updateId: number }>(
  db: Db,
  actor: Actor,
  key: string,
  target: { taskId: number; week: string },
): Promise<Answer | null> {
  const row = await db.selectFrom("submission_keys").select(["user_id", "result_json"]).where("key", "=", key).executeTakeFirst();
  if (!row) return null;
  const answer = JSON.parse(row.result_json) as Answer;
  const saved = await db.selectFrom("updates").select(["task_id", "week"]).where("id", "=", answer.updateId).executeTakeFirst();
  // The 填报 it saved is gone with its task (a resend from a phone that was offline meanwhile).
  if (row.user_id === actor.id && !saved) notFound("您之前提交的这条填报已不存在，所属的重点工作可能已被删除。请刷新页面查看。");
  if (row.user_id !== actor.id || !saved || saved.task_id !== target.taskId || saved.week !== target.week) {
    badRequest("提交编号已用于其他填报，请刷新页面后重新提交。");
  }
  return answer;
}

/** Stores the answer to a keyed submission, in the transaction that wrote it. */
export async function rememberSubmission(trx: Db, actor: Actor, key: string, saved: { updateId: number }, now: Date): Promise<void> {
  // A phone replays its queue within days; keys older than that only grow the table.
  const expired = new Date(now.getTime() - SUBMISSION_KEY_DAYS * 86_400_000).toISOString();
  await deferWrite(trx, trx.deleteFrom("submission_keys").where("created_at", "<", expired));
  // A key taken meanwhile by a copy of this submission fails the COMMIT; saveUpdate answers as the copy did.
  await deferWrite(
    trx,
    trx.insertInto("submission_keys").values({ key, user_id: actor.id, result_json: JSON.stringify(saved), created_at: now.toISOString() }),
  );
}
