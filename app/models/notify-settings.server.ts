// 消息推送 settings (admin): delivery channels per unit and for the leaders, the SMTP server,
// the link address in messages and the scheduled jobs' times. Secrets are sealed before they
// are stored and never read back to a page: the page learns only whether one is set.
import type { Kysely, Transaction, Updateable } from "kysely";
import { z } from "zod";
import type { AppDatabase } from "../../db/index";
import type { Audience, ChannelKind, Database } from "../../db/schema";
import {
  allowedWebhookOrigins,
  formatJobTime,
  isJobTime,
  maskWebhook,
  normaliseBaseUrl,
  parseJobTime,
  SCHEDULED_JOBS,
  webhookProblem,
  type JobTime,
} from "~/lib/notify";
import { badRequest, conflict, forbidden, notFound } from "~/lib/refusal";
import { recordAudit } from "~/models/audit.server";
import { defaultServerUrl } from "~/utils/lan-address.server";
import { can, type Actor } from "~/utils/permissions";
import { openSecret, sealSecret } from "~/utils/secret-box.server";
import type { SmtpSettings } from "~/utils/channel-senders.server";

type Db = Kysely<Database> | Transaction<Database>;

export const CHANNEL_NAME_MAX = 40;
export const SIGN_SECRET_MAX = 200;
export const EMAIL_RECIPIENTS_MAX = 10;
export const CHANNELS_PER_TARGET_MAX = 5;

const KEY_BASE_URL = "notify.base_url";
const SMTP_KEYS = {
  host: "smtp.host",
  port: "smtp.port",
  secure: "smtp.secure",
  user: "smtp.user",
  password: "smtp.password_enc",
  from: "smtp.from",
} as const;
const jobKey = (name: string) => `job.${name}`;

function requireAdmin(actor: Actor) {
  if (!can(actor, "admin")) forbidden("只有系统管理员可以设置消息推送。");
}

export async function readSettings(db: Db): Promise<Map<string, string>> {
  const rows = await db.selectFrom("app_settings").select(["key", "value"]).execute();
  return new Map(rows.map((r) => [r.key, r.value]));
}

async function writeSettings(trx: Transaction<Database>, actorId: number, values: Record<string, string | null>, now: Date) {
  for (const [key, value] of Object.entries(values)) {
    if (value == null) {
      await trx.deleteFrom("app_settings").where("key", "=", key).execute();
      continue;
    }
    await trx
      .insertInto("app_settings")
      .values({ key, value, updated_by: actorId, updated_at: now.toISOString() })
      .onConflict((oc) => oc.column("key").doUpdateSet({ value, updated_by: actorId, updated_at: now.toISOString() }))
      .execute();
  }
}

/**
 * The address links in messages start with: the setting, else PUBLIC_BASE_URL, else this
 * machine's LAN address (a localhost link is useless on a colleague's phone).
 */
export function baseUrlOf(settings: Map<string, string>, env: NodeJS.ProcessEnv = process.env): string {
  return normaliseBaseUrl(settings.get(KEY_BASE_URL)) ?? normaliseBaseUrl(env.PUBLIC_BASE_URL) ?? defaultServerUrl(env);
}

export function jobTimesOf(settings: Map<string, string>): Record<string, JobTime> {
  return Object.fromEntries(SCHEDULED_JOBS.map((job) => [job.name, parseJobTime(settings.get(jobKey(job.name)), job.defaultTime)]));
}

/** The SMTP server with its password decrypted (for sending), or null when none is set. */
export function smtpSettingsOf(settings: Map<string, string>): SmtpSettings | null {
  const host = settings.get(SMTP_KEYS.host);
  const from = settings.get(SMTP_KEYS.from);
  if (!host || !from) return null;
  const sealed = settings.get(SMTP_KEYS.password);
  return {
    host,
    port: Number(settings.get(SMTP_KEYS.port) ?? 465),
    secure: settings.get(SMTP_KEYS.secure) !== "0",
    user: settings.get(SMTP_KEYS.user) ?? null,
    password: sealed ? openSecret(sealed) : null,
    from,
  };
}

// ---- What the settings page shows -------------------------------------------------------------

export interface ChannelView {
  id: number;
  audience: Audience;
  unitId: number | null;
  targetName: string;
  kind: ChannelKind;
  name: string;
  /** Masked webhook ("…key=****9f2c"), never the key itself. */
  webhookHint: string | null;
  hasSignSecret: boolean;
  emailTo: string | null;
  enabled: boolean;
  version: number;
}

export interface NotifySettingsView {
  baseUrl: string;
  baseUrlSetting: string;
  smtp: { host: string; port: string; secure: boolean; user: string; from: string; hasPassword: boolean };
  jobs: { name: string; label: string; description: string; time: JobTime; lastRunAt: string | null; lastResult: string | null }[];
  channels: ChannelView[];
}

export async function getNotifySettings(db: AppDatabase): Promise<NotifySettingsView> {
  const settings = await readSettings(db);
  const times = jobTimesOf(settings);
  const runs = await db.selectFrom("job_runs").selectAll().execute();
  const rows = await db
    .selectFrom("delivery_channels")
    .leftJoin("units", "units.id", "delivery_channels.unit_id")
    .selectAll("delivery_channels")
    .select(["units.name as unitName", "units.sort_order as unitOrder"])
    .orderBy("delivery_channels.audience")
    .orderBy("units.sort_order")
    .orderBy("delivery_channels.id")
    .execute();
  return {
    baseUrl: baseUrlOf(settings),
    baseUrlSetting: settings.get(KEY_BASE_URL) ?? "",
    smtp: {
      host: settings.get(SMTP_KEYS.host) ?? "",
      port: settings.get(SMTP_KEYS.port) ?? "465",
      secure: settings.get(SMTP_KEYS.secure) !== "0",
      user: settings.get(SMTP_KEYS.user) ?? "",
      from: settings.get(SMTP_KEYS.from) ?? "",
      hasPassword: settings.has(SMTP_KEYS.password),
    },
    jobs: SCHEDULED_JOBS.map((job) => {
      const run = runs.find((r) => r.name === job.name);
      return {
        name: job.name,
        label: job.label,
        description: job.description,
        time: times[job.name],
        lastRunAt: run?.last_run_at ?? null,
        lastResult: run?.last_result ?? null,
      };
    }),
    channels: rows.map((row) => {
      let webhookHint: string | null = null;
      if (row.webhook_enc) {
        try {
          webhookHint = maskWebhook(openSecret(row.webhook_enc));
        } catch {
          webhookHint = "已设置（当前无法解密，请重新填写）";
        }
      }
      return {
        id: row.id,
        audience: row.audience,
        unitId: row.unit_id,
        targetName: row.audience === "leaders" ? "街道领导" : (row.unitName ?? "（单位已删除）"),
        kind: row.kind,
        name: row.name,
        webhookHint,
        hasSignSecret: row.sign_secret_enc != null,
        emailTo: row.email_to,
        enabled: row.enabled === 1,
        version: row.version,
      };
    }),
  };
}

// ---- Saving -----------------------------------------------------------------------------------

const emailAddress = z.email({ error: "邮箱地址格式不正确。" }).max(200, "邮箱地址过长。");

function parseRecipients(value: string): string[] {
  const list = value
    .split(/[,，;；\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (list.length === 0) badRequest("请填写至少一个收件人邮箱。");
  if (list.length > EMAIL_RECIPIENTS_MAX) badRequest(`收件人最多${EMAIL_RECIPIENTS_MAX}个。`);
  for (const address of list) if (!emailAddress.safeParse(address).success) badRequest(`收件人邮箱“${address.slice(0, 60)}”格式不正确。`);
  return [...new Set(list)];
}

function checkWebhook(kind: ChannelKind, webhook: string): string {
  const value = webhook.trim();
  if (kind === "email") return value;
  const problem = webhookProblem(kind, value, allowedWebhookOrigins(process.env));
  if (problem) badRequest(problem);
  return value;
}

function checkSignSecret(value: string): string {
  const secret = value.trim();
  if (secret.length > SIGN_SECRET_MAX) badRequest(`加签密钥不能超过${SIGN_SECRET_MAX}个字符。`);
  if (secret && !/^[\x21-\x7e]+$/.test(secret)) badRequest("加签密钥只能包含英文字母、数字和符号（从钉钉机器人设置中复制，以 SEC 开头）。");
  return secret;
}

function checkName(value: string): string {
  const name = value.trim();
  if (!name) badRequest("请填写渠道名称，如“东晟社区工作群”。");
  if (name.length > CHANNEL_NAME_MAX) badRequest(`渠道名称不能超过${CHANNEL_NAME_MAX}个字。`);
  return name;
}

/** A delivery channel by id, or a 404 refusal (another admin may have deleted it). */
export async function requireChannel(db: Db, channelId: number) {
  const channel = await db.selectFrom("delivery_channels").selectAll().where("id", "=", channelId).executeTakeFirst();
  if (!channel) notFound("没有找到这个推送渠道，它可能已被删除。");
  return channel;
}

/** What the channel form posts, for a new channel and an edit alike (an edit keeps what is left empty). */
interface ChannelFields {
  name: string;
  webhook: string;
  signSecret: string;
  emailTo: string;
}

export interface NewChannelInput extends ChannelFields {
  audience: Audience;
  unitId: number | null;
  kind: ChannelKind;
}

export async function createChannel(db: AppDatabase, actor: Actor, input: NewChannelInput, now: Date = new Date()): Promise<number> {
  requireAdmin(actor);
  const name = checkName(input.name);
  const values = {
    webhook_enc: null as string | null,
    sign_secret_enc: null as string | null,
    email_to: null as string | null,
  };
  if (input.kind === "email") {
    values.email_to = parseRecipients(input.emailTo).join(", ");
  } else {
    if (!input.webhook.trim()) badRequest("请填写机器人的 Webhook 地址。");
    values.webhook_enc = sealSecret(checkWebhook(input.kind, input.webhook));
    const secret = input.kind === "dingtalk" ? checkSignSecret(input.signSecret) : "";
    if (secret) values.sign_secret_enc = sealSecret(secret);
  }
  return db.transaction().execute(async (trx) => {
    if (input.audience === "unit") {
      if (input.unitId == null) badRequest("请选择接收提醒的单位。");
      const unit = await trx.selectFrom("units").select("id").where("id", "=", input.unitId).executeTakeFirst();
      if (!unit) badRequest("所选单位不存在，请刷新页面后重试。");
    }
    const unitId = input.audience === "unit" ? input.unitId : null;
    const existing = await trx
      .selectFrom("delivery_channels")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("audience", "=", input.audience)
      .$if(unitId != null, (qb) => qb.where("unit_id", "=", unitId))
      .executeTakeFirstOrThrow();
    if (Number(existing.n) >= CHANNELS_PER_TARGET_MAX) badRequest(`每个单位（或街道领导）最多设置${CHANNELS_PER_TARGET_MAX}个推送渠道。`);
    const row = await trx
      .insertInto("delivery_channels")
      .values({
        audience: input.audience,
        unit_id: unitId,
        kind: input.kind,
        name,
        ...values,
        created_at: now.toISOString(),
        updated_at: now.toISOString(),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(
      trx,
      {
        actorId: actor.id,
        action: "channel.create",
        entity: "delivery_channel",
        entityId: row.id,
        after: {
          audience: input.audience,
          unitId,
          kind: input.kind,
          name,
          emailTo: values.email_to,
          secretSet: values.webhook_enc != null,
        },
      },
      now,
    );
    return row.id;
  });
}

export interface ChannelChange extends ChannelFields {
  channelId: number;
  version: number;
  enabled: boolean;
  clearSignSecret: boolean;
}

export async function updateChannel(db: AppDatabase, actor: Actor, change: ChannelChange, now: Date = new Date()): Promise<void> {
  requireAdmin(actor);
  const name = checkName(change.name);
  await db.transaction().execute(async (trx) => {
    const before = await requireChannel(trx, change.channelId);
    if (before.version !== change.version) conflict("这个推送渠道已被他人修改，请刷新页面后再试。");
    const update: Updateable<Database["delivery_channels"]> = {
      name,
      enabled: change.enabled ? 1 : 0,
      updated_at: now.toISOString(),
      version: before.version + 1,
    };
    if (before.kind === "email") {
      if (change.emailTo.trim()) update.email_to = parseRecipients(change.emailTo).join(", ");
    } else {
      if (change.webhook.trim()) update.webhook_enc = sealSecret(checkWebhook(before.kind, change.webhook));
      if (before.kind === "dingtalk") {
        const secret = checkSignSecret(change.signSecret);
        if (secret) update.sign_secret_enc = sealSecret(secret);
        else if (change.clearSignSecret) update.sign_secret_enc = null;
      }
    }
    await trx.updateTable("delivery_channels").set(update).where("id", "=", change.channelId).execute();
    await recordAudit(
      trx,
      {
        actorId: actor.id,
        action: "channel.update",
        entity: "delivery_channel",
        entityId: change.channelId,
        before: { name: before.name, enabled: before.enabled, emailTo: before.email_to },
        after: {
          name,
          enabled: update.enabled,
          emailTo: update.email_to ?? before.email_to,
          webhookReplaced: "webhook_enc" in update,
          signSecret: "sign_secret_enc" in update ? (update.sign_secret_enc ? "replaced" : "cleared") : "kept",
        },
      },
      now,
    );
  });
}

export async function deleteChannel(db: AppDatabase, actor: Actor, channelId: number, now: Date = new Date()): Promise<void> {
  requireAdmin(actor);
  await db.transaction().execute(async (trx) => {
    const { id, name, kind, audience, unit_id } = await requireChannel(trx, channelId);
    const before = { id, name, kind, audience, unit_id };
    // Messages still waiting for it would only fail: they are marked so, with the reason.
    await trx
      .updateTable("outbox")
      .set({ status: "failed", last_error: "推送渠道已删除", lease_until: null, updated_at: now.toISOString() })
      .where("channel_id", "=", channelId)
      .where("status", "in", ["pending", "sending"])
      .execute();
    await trx.deleteFrom("delivery_channels").where("id", "=", channelId).execute();
    await recordAudit(trx, { actorId: actor.id, action: "channel.delete", entity: "delivery_channel", entityId: channelId, before }, now);
  });
}

export interface SmtpInput {
  host: string;
  port: string;
  secure: boolean;
  user: string;
  /** Empty: keep the stored password. */
  password: string;
  clearPassword: boolean;
  from: string;
}

export async function saveSmtp(db: AppDatabase, actor: Actor, input: SmtpInput, now: Date = new Date()): Promise<void> {
  requireAdmin(actor);
  const host = input.host.trim();
  const from = input.from.trim();
  const user = input.user.trim();
  const values: Record<string, string | null> = {};
  if (!host) {
    // An empty host switches e-mail off and forgets the server.
    for (const key of Object.values(SMTP_KEYS)) values[key] = null;
  } else {
    if (host.length > 200 || !/^[A-Za-z0-9.-]+$/.test(host))
      badRequest("发信服务器地址只能包含英文字母、数字、点和连字符，如 smtp.example.gov.cn。");
    const port = Number(input.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) badRequest("端口须为1到65535之间的整数（常用465或587）。");
    if (!emailAddress.safeParse(from.replace(/^.*<([^>]+)>\s*$/, "$1")).success || from.length > 200)
      badRequest("发件人须是一个邮箱地址，如 dubanshi@example.gov.cn。");
    if (user.length > 200) badRequest("用户名不能超过200个字符。");
    if (input.password.length > 200) badRequest("密码不能超过200个字符。");
    Object.assign(values, {
      [SMTP_KEYS.host]: host,
      [SMTP_KEYS.port]: String(port),
      [SMTP_KEYS.secure]: input.secure ? "1" : "0",
      [SMTP_KEYS.user]: user || null,
      [SMTP_KEYS.from]: from,
    });
    if (input.password) values[SMTP_KEYS.password] = sealSecret(input.password);
    else if (input.clearPassword) values[SMTP_KEYS.password] = null;
  }
  await db.transaction().execute(async (trx) => {
    await writeSettings(trx, actor.id, values, now);
    await recordAudit(
      trx,
      {
        actorId: actor.id,
        action: "settings.smtp",
        entity: "settings",
        entityId: "smtp",
        after: {
          host: host || null,
          port: input.port,
          secure: input.secure,
          user: user || null,
          from,
          password: input.password ? "replaced" : input.clearPassword ? "cleared" : "kept",
        },
      },
      now,
    );
  });
}

export interface ScheduleInput {
  baseUrl: string;
  jobs: Record<string, { weekday: string; time: string; enabled: boolean }>;
}

export async function saveSchedule(db: AppDatabase, actor: Actor, input: ScheduleInput, now: Date = new Date()): Promise<void> {
  requireAdmin(actor);
  const values: Record<string, string | null> = {};
  const base = input.baseUrl.trim();
  if (base) {
    if (base.length > 200 || !normaliseBaseUrl(base))
      badRequest("链接地址须以 http:// 或 https:// 开头，如 https://kanban.example.gov.cn。");
    values[KEY_BASE_URL] = normaliseBaseUrl(base);
  } else values[KEY_BASE_URL] = null;
  for (const job of SCHEDULED_JOBS) {
    const given = input.jobs[job.name];
    if (!given) continue;
    const weekday = Number(given.weekday);
    if (!Number.isInteger(weekday) || weekday < 0 || weekday > 6) badRequest(`请为“${job.label}”选择星期几。`);
    if (!isJobTime(given.time)) badRequest(`“${job.label}”的时间须为24小时制的“时:分”，如 15:00。`);
    values[jobKey(job.name)] = formatJobTime({ weekday, time: given.time, enabled: given.enabled });
  }
  await db.transaction().execute(async (trx) => {
    await writeSettings(trx, actor.id, values, now);
    await recordAudit(
      trx,
      { actorId: actor.id, action: "settings.schedule", entity: "settings", entityId: "schedule", after: values },
      now,
    );
  });
}
