// The outbox: every message to a channel is a row written in the same transaction as the event
// that caused it (a 催办, a scheduled reminder). A worker claims due rows in a transaction
// (status sending, lease_until), sends them outside any transaction, and records the channel's
// answer. A row claimed by a worker that died becomes claimable again when its lease runs out;
// a row marked sent is never claimed again, so a restart never sends it twice.
import type { Kysely, Transaction } from "kysely";
import type { AppDatabase } from "../../db/index";
import type { Audience, Database, OutboxChannelKind, OutboxStatus } from "../../db/schema";
import { MAX_ATTEMPTS, retryDelayMs, type Message } from "~/lib/notify";
import { badRequest, forbidden, notFound } from "~/lib/refusal";
import { recordAudit } from "~/models/audit.server";
import { readSettings, requireChannel, smtpSettingsOf } from "~/models/notify-settings.server";
import { sendOverChannel, SEND_TIMEOUT_MS, type SendFunction } from "~/utils/channel-senders.server";
import { can, type Actor } from "~/utils/permissions";
import { openSecret } from "~/utils/secret-box.server";
import { singleton } from "~/utils/singleton.server";
import { unitName } from "~/models/names.server";

type Db = Kysely<Database> | Transaction<Database>;

/** How long a claimed row stays with its worker: well beyond one send's time limit. */
export const LEASE_MS = 6 * SEND_TIMEOUT_MS;
const CLAIM_BATCH = 20;

export interface OutboxMessage {
  event: string;
  audience: Audience;
  unitId: number | null;
  taskId: number | null;
  message: Message;
  /** A scheduled job's slot etc.: the same key is written once (per channel). */
  dedupeKey?: string;
}

/**
 * Writes the message for every enabled channel of its audience (inside the caller's
 * transaction), plus an in-app copy when `inApp` (shown on 我的待办; 催办 already are comments).
 * Returns the number of rows to send.
 */
export async function enqueueMessage(trx: Transaction<Database>, item: OutboxMessage, now: Date, { inApp = false } = {}): Promise<number> {
  const at = now.toISOString();
  const channels = await trx
    .selectFrom("delivery_channels")
    .select(["id", "kind"])
    .where("enabled", "=", 1)
    .where("audience", "=", item.audience)
    .$if(item.audience === "unit", (qb) => qb.where("unit_id", "=", item.unitId))
    .orderBy("id")
    .execute();
  const rows: Database["outbox"][] = [];
  const base = {
    event: item.event,
    audience: item.audience,
    unit_id: item.unitId,
    task_id: item.taskId,
    title: item.message.title,
    body: item.message.body,
    next_attempt_at: at,
    lease_until: null,
    last_error: null,
    response: null,
    created_at: at,
    updated_at: at,
  };
  if (inApp) {
    rows.push({
      ...base,
      channel_id: null,
      channel_kind: "inapp",
      dedupe_key: item.dedupeKey ? `${item.dedupeKey}:inapp` : null,
      status: "sent",
      sent_at: at,
    } as Database["outbox"]);
  }
  for (const channel of channels) {
    rows.push({
      ...base,
      channel_id: channel.id,
      channel_kind: channel.kind,
      dedupe_key: item.dedupeKey ? `${item.dedupeKey}:${channel.id}` : null,
      status: "pending",
      sent_at: null,
    } as Database["outbox"]);
  }
  if (rows.length === 0) return 0;
  await trx
    .insertInto("outbox")
    .values(rows as never)
    .onConflict((oc) => oc.column("dedupe_key").doNothing())
    .execute();
  return channels.length;
}

// ---- Waking the worker ------------------------------------------------------------------------

type Listener = () => void;
const listeners = () => singleton("outbox-listeners", () => new Set<Listener>());

/** Called after a transaction that wrote outbox rows committed: this process's worker runs now. */
export function outboxWritten(): void {
  for (const listener of listeners()) listener();
}

export function onOutboxWritten(listener: Listener): () => void {
  listeners().add(listener);
  return () => listeners().delete(listener);
}

// ---- The worker -------------------------------------------------------------------------------

export interface ClaimedRow {
  id: number;
  attempts: number;
}

/** Claims due rows for one worker: pending and due, or sending with an expired lease. */
export async function claimDueMessages(db: AppDatabase, now: Date, limit = CLAIM_BATCH): Promise<ClaimedRow[]> {
  const at = now.toISOString();
  const dueRows = (qb: Db) =>
    qb
      .selectFrom("outbox")
      .select(["id", "attempts"])
      .where("channel_kind", "!=", "inapp")
      .where((eb) =>
        eb.or([
          eb.and([eb("status", "=", "pending"), eb("next_attempt_at", "<=", at)]),
          eb.and([eb("status", "=", "sending"), eb("lease_until", "<", at)]),
        ]),
      );
  // Every process looks every few seconds: only take the write lock when something is due.
  if (!(await dueRows(db).limit(1).executeTakeFirst())) return [];
  return db.transaction().execute(async (trx) => {
    const due = await dueRows(trx).orderBy("id").limit(limit).execute();
    if (due.length === 0) return [];
    await trx
      .updateTable("outbox")
      .set((eb) => ({
        status: "sending",
        attempts: eb("attempts", "+", 1),
        lease_until: new Date(now.getTime() + LEASE_MS).toISOString(),
        updated_at: at,
      }))
      .where(
        "id",
        "in",
        due.map((r) => r.id),
      )
      .execute();
    return due.map((r) => ({ id: r.id, attempts: r.attempts + 1 }));
  });
}

export interface DeliveryReport {
  sent: number;
  failed: number;
  retrying: number;
}

/** Records one send's outcome, unless another worker has claimed the row since (its lease ran out). */
async function recordOutcome(
  db: AppDatabase,
  row: ClaimedRow,
  ok: boolean,
  answer: string,
  now: Date,
): Promise<"sent" | "failed" | "retrying" | "lost"> {
  const at = now.toISOString();
  const status: OutboxStatus = ok ? "sent" : row.attempts >= MAX_ATTEMPTS ? "failed" : "pending";
  const result = await db
    .updateTable("outbox")
    .set({
      status,
      lease_until: null,
      updated_at: at,
      ...(ok
        ? { sent_at: at, response: answer, last_error: null }
        : { last_error: answer, next_attempt_at: new Date(now.getTime() + retryDelayMs(row.attempts)).toISOString() }),
    })
    .where("id", "=", row.id)
    .where("status", "=", "sending")
    .where("attempts", "=", row.attempts)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) return "lost";
  return ok ? "sent" : status === "failed" ? "failed" : "retrying";
}

/** Outbox rows with the channel they go to (its columns null when the channel was deleted). */
function selectOutboxWithChannel(db: AppDatabase) {
  return db.selectFrom("outbox").leftJoin("delivery_channels", "delivery_channels.id", "outbox.channel_id");
}

/** What one row is sent to, with its secrets opened (or the reason it cannot be sent). */
async function targetOf(db: AppDatabase, id: number, settings: Map<string, string>) {
  const row = await selectOutboxWithChannel(db)
    .select([
      "outbox.title",
      "outbox.body",
      "outbox.channel_kind",
      "delivery_channels.id as channelId",
      "delivery_channels.kind",
      "delivery_channels.webhook_enc",
      "delivery_channels.sign_secret_enc",
      "delivery_channels.email_to",
      "delivery_channels.enabled",
    ])
    .where("outbox.id", "=", id)
    .executeTakeFirstOrThrow();
  const message = { title: row.title, body: row.body };
  if (row.channelId == null || !row.kind) return { message, problem: "推送渠道已删除" };
  if (row.enabled !== 1) return { message, problem: "推送渠道已停用" };
  try {
    return {
      message,
      target: {
        kind: row.kind,
        webhook: row.webhook_enc ? openSecret(row.webhook_enc) : null,
        signSecret: row.sign_secret_enc ? openSecret(row.sign_secret_enc) : null,
        emailTo: row.email_to ? row.email_to.split(/,\s*/) : [],
        smtp: row.kind === "email" ? smtpSettingsOf(settings) : null,
      },
    };
  } catch (error) {
    return { message, problem: (error as Error).message };
  }
}

/**
 * One pass of the worker: claim what is due, send each, record each answer. Never throws for a
 * channel's failure (it is recorded and retried with backoff).
 */
export async function deliverDueMessages(
  db: AppDatabase,
  options: { now?: () => Date; send?: SendFunction; limit?: number } = {},
): Promise<DeliveryReport> {
  const clock = options.now ?? (() => new Date());
  const send = options.send ?? sendOverChannel;
  const report: DeliveryReport = { sent: 0, failed: 0, retrying: 0 };
  const claimed = await claimDueMessages(db, clock(), options.limit);
  if (claimed.length === 0) return report;
  const settings = await readSettings(db);
  for (const row of claimed) {
    const { message, target, problem } = await targetOf(db, row.id, settings);
    const outcome = target ? await send(target, message) : { ok: false, answer: problem ?? "无法发送" };
    const result = await recordOutcome(db, row, outcome.ok, outcome.answer, clock());
    if (result !== "lost") report[result]++;
  }
  return report;
}

// ---- What admins and 我的待办 see -------------------------------------------------------------

export interface OutboxEntry {
  id: number;
  event: string;
  channelKind: OutboxChannelKind;
  channelName: string | null;
  targetName: string;
  title: string;
  status: OutboxStatus;
  attempts: number;
  lastError: string | null;
  response: string | null;
  createdAt: string;
  sentAt: string | null;
  nextAttemptAt: string;
}

export const OUTBOX_PAGE_SIZE = 100;

export async function listOutbox(db: AppDatabase, filter: { status?: OutboxStatus | null } = {}): Promise<OutboxEntry[]> {
  const rows = await selectOutboxWithChannel(db)
    .select((eb) => [
      "outbox.id",
      "outbox.event",
      "outbox.channel_kind",
      "delivery_channels.name as channelName",
      "outbox.audience",
      unitName(eb, "outbox.unit_id").as("unitName"),
      "outbox.title",
      "outbox.status",
      "outbox.attempts",
      "outbox.last_error",
      "outbox.response",
      "outbox.created_at",
      "outbox.sent_at",
      "outbox.next_attempt_at",
    ])
    .where("outbox.channel_kind", "!=", "inapp")
    .$if(!!filter.status, (qb) => qb.where("outbox.status", "=", filter.status!))
    .orderBy("outbox.id", "desc")
    .limit(OUTBOX_PAGE_SIZE)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    event: r.event,
    channelKind: r.channel_kind,
    channelName: r.channelName,
    targetName: r.audience === "leaders" ? "街道领导" : (r.unitName ?? "—"),
    title: r.title,
    status: r.status,
    attempts: r.attempts,
    lastError: r.last_error,
    response: r.response,
    createdAt: r.created_at,
    sentAt: r.sent_at,
    nextAttemptAt: r.next_attempt_at,
  }));
}

export async function outboxCounts(db: AppDatabase): Promise<Record<OutboxStatus, number>> {
  const rows = await db
    .selectFrom("outbox")
    .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
    .where("channel_kind", "!=", "inapp")
    .groupBy("status")
    .execute();
  const counts: Record<OutboxStatus, number> = { pending: 0, sending: 0, sent: 0, failed: 0 };
  for (const row of rows) counts[row.status] = Number(row.n);
  return counts;
}

/** 重发: a failed (or sent) message goes back to the queue as a new first attempt. */
export async function resendMessage(db: AppDatabase, actor: Actor, id: number, now: Date = new Date()): Promise<void> {
  if (!can(actor, "admin")) forbidden("只有系统管理员可以重发消息。");
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom("outbox")
      .select(["id", "status", "channel_id", "channel_kind"])
      .where("id", "=", id)
      .executeTakeFirst();
    if (!row || row.channel_kind === "inapp") notFound("没有找到这条消息。");
    if (row.status === "pending" || row.status === "sending") badRequest("这条消息正在等待发送，无需重发。");
    if (row.channel_id == null) badRequest("这条消息的推送渠道已删除，无法重发。");
    await trx
      .updateTable("outbox")
      .set({ status: "pending", attempts: 0, next_attempt_at: now.toISOString(), lease_until: null, updated_at: now.toISOString() })
      .where("id", "=", id)
      .execute();
    await recordAudit(
      trx,
      { actorId: actor.id, action: "outbox.resend", entity: "outbox", entityId: id, before: { status: row.status } },
      now,
    );
  });
  outboxWritten();
}

export interface InAppNotice {
  id: number;
  event: string;
  title: string;
  body: string;
  createdAt: string;
}

/** 我的待办's 系统提醒: in-app copies of the scheduled reminders of the last week. */
export async function listInAppNotices(db: Db, actor: Actor, now: Date): Promise<InAppNotice[]> {
  const leaders = actor.role === "leader" || actor.role === "admin";
  if (actor.unitId == null && !leaders) return [];
  const since = new Date(now.getTime() - 7 * 86_400_000).toISOString();
  return db
    .selectFrom("outbox")
    .select(["id", "event", "title", "body", "created_at as createdAt"])
    .where("channel_kind", "=", "inapp")
    .where("created_at", ">", since)
    .where((eb) => {
      const parts = [];
      if (actor.unitId != null) parts.push(eb.and([eb("audience", "=", "unit"), eb("unit_id", "=", actor.unitId)]));
      if (leaders) parts.push(eb("audience", "=", "leaders"));
      return eb.or(parts);
    })
    .orderBy("created_at", "desc")
    .limit(5)
    .execute();
}

/** 测试发送: one test message to one channel, through the outbox like any other. */
export async function enqueueTestMessage(
  db: AppDatabase,
  actor: Actor,
  channelId: number,
  message: Message,
  now: Date = new Date(),
): Promise<void> {
  if (!can(actor, "admin")) forbidden("只有系统管理员可以测试推送渠道。");
  await db.transaction().execute(async (trx) => {
    const channel = await requireChannel(trx, channelId);
    if (channel.enabled !== 1) badRequest("这个推送渠道已停用，请先启用再测试。");
    const at = now.toISOString();
    await trx
      .insertInto("outbox")
      .values({
        event: "test",
        channel_id: channel.id,
        channel_kind: channel.kind,
        audience: channel.audience,
        unit_id: channel.unit_id,
        task_id: null,
        title: message.title,
        body: message.body,
        dedupe_key: null,
        status: "pending",
        next_attempt_at: at,
        lease_until: null,
        last_error: null,
        response: null,
        created_at: at,
        sent_at: null,
        updated_at: at,
      })
      .execute();
    await recordAudit(trx, { actorId: actor.id, action: "channel.test", entity: "delivery_channel", entityId: channelId }, now);
  });
  outboxWritten();
}
