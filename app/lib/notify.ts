// Reminders and delivery channels, the pure part: the scheduled jobs and their times, the
// messages (short Chinese Markdown with links), webhook address rules and the retry backoff.
import type { Audience, ChannelKind, OutboxStatus } from "../../db/schema";

export type { Audience, ChannelKind, OutboxStatus };

export const CHANNEL_LABELS: Record<ChannelKind | "inapp", string> = {
  inapp: "站内（我的待办）",
  wecom: "企业微信群机器人",
  dingtalk: "钉钉群机器人",
  email: "电子邮件",
};

export const OUTBOX_STATUS_LABELS: Record<OutboxStatus, string> = {
  pending: "待发送",
  sending: "发送中",
  sent: "已发送",
  failed: "发送失败",
};

export const EVENT_LABELS: Record<string, string> = {
  urge: "催办",
  friday_reminder: "周五填报提醒",
  monday_digest: "周一督办提醒",
  weekly_briefing: "每周督办通报",
  test: "测试消息",
};

// ---- Scheduled jobs ---------------------------------------------------------------------

/** Weekday numbers as cron counts them (0 Sunday … 6 Saturday). */
export const WEEKDAY_LABELS = ["周日", "周一", "周二", "周三", "周四", "周五", "周六"] as const;

export interface JobTime {
  weekday: number;
  /** "HH:MM", Asia/Shanghai. */
  time: string;
  enabled: boolean;
}

export interface ScheduledJobDefinition {
  name: string;
  label: string;
  description: string;
  defaultTime: JobTime;
}

/**
 * Every scheduled job, in the order the settings page shows them. A new weekly job (e.g. the
 * Monday 督办通报) is one more entry here plus its runner in reminders.server.ts (JOB_RUNNERS).
 */
export const SCHEDULED_JOBS: readonly ScheduledJobDefinition[] = [
  {
    name: "friday_reminder",
    label: "周五填报提醒",
    description: "本周仍有未填报任务的单位各收到一条提醒，列出这些任务。",
    defaultTime: { weekday: 5, time: "15:00", enabled: true },
  },
  {
    name: "monday_digest",
    label: "周一督办提醒",
    description: "街道领导收到红灯、黄灯任务清单和上周未填报情况。",
    defaultTime: { weekday: 1, time: "09:00", enabled: true },
  },
  {
    name: "weekly_briefing",
    label: "每周督办通报",
    description: "出具上周的督办通报（编号顺延），并把简版推送给街道领导。",
    defaultTime: { weekday: 1, time: "09:30", enabled: true },
  },
];

/** A missed run is made up at start (or on the next tick) only this long after its time. */
export const CATCH_UP_HOURS = 24;

const TIME_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function isJobTime(value: string): boolean {
  return TIME_PATTERN.test(value);
}

/** The croner pattern (seconds first) of a weekly job time. */
export function cronPatternOf(time: JobTime): string {
  const match = TIME_PATTERN.exec(time.time);
  if (!match) throw new RangeError(`时间格式无效：${time.time}`);
  return `0 ${Number(match[2])} ${Number(match[1])} * * ${time.weekday}`;
}

/** Stored as "5 15:00" or "5 15:00 off". */
export function parseJobTime(stored: string | null | undefined, fallback: JobTime): JobTime {
  const match = /^([0-6]) (\d\d:\d\d)( off)?$/.exec(stored ?? "");
  if (!match || !isJobTime(match[2])) return fallback;
  return { weekday: Number(match[1]), time: match[2], enabled: !match[3] };
}

export function formatJobTime(time: JobTime): string {
  return `${time.weekday} ${time.time}${time.enabled ? "" : " off"}`;
}

export function describeJobTime(time: JobTime): string {
  return `每${WEEKDAY_LABELS[time.weekday]} ${time.time}`;
}

// ---- Retries --------------------------------------------------------------------------------

export const MAX_ATTEMPTS = 6;
const BACKOFF_BASE_MS = 30_000;
const BACKOFF_CAP_MS = 3_600_000;

/** Wait before the next attempt after `attempts` failed ones: 30 s, 1, 2, 4, 8 min … at most 1 h. */
export function retryDelayMs(attempts: number): number {
  return Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));
}

// ---- Webhook addresses ----------------------------------------------------------------------

const ROBOT_ORIGINS: Record<"wecom" | "dingtalk", { host: string; path: string; param: string; example: string }> = {
  wecom: {
    host: "qyapi.weixin.qq.com",
    path: "/cgi-bin/webhook/send",
    param: "key",
    example: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…",
  },
  dingtalk: {
    host: "oapi.dingtalk.com",
    path: "/robot/send",
    param: "access_token",
    example: "https://oapi.dingtalk.com/robot/send?access_token=…",
  },
};

export const WEBHOOK_MAX_LENGTH = 500;

/**
 * Checks a robot's webhook address: https on the vendor's own host and path, with its key. Extra
 * origins (`allowedOrigins`, from NOTIFY_WEBHOOK_ALLOW) let a test receiver on localhost stand in.
 * Returns a Chinese message when the address is not acceptable, null when it is.
 */
export function webhookProblem(kind: "wecom" | "dingtalk", value: string, allowedOrigins: readonly string[] = []): string | null {
  const rule = ROBOT_ORIGINS[kind];
  const name = CHANNEL_LABELS[kind];
  if (value.length > WEBHOOK_MAX_LENGTH) return `Webhook 地址不能超过${WEBHOOK_MAX_LENGTH}个字符。`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `请填写完整的${name} Webhook 地址，形如 ${rule.example}`;
  }
  if (url.username || url.password) return "Webhook 地址中不能包含用户名或密码。";
  if (allowedOrigins.includes(url.origin)) return null;
  if (url.protocol !== "https:") return `${name}的 Webhook 地址必须以 https:// 开头。`;
  if (url.host !== rule.host || url.pathname !== rule.path) return `这不是${name}的 Webhook 地址，应形如 ${rule.example}`;
  if (!url.searchParams.get(rule.param)) return `Webhook 地址缺少 ${rule.param} 参数，请从机器人设置中完整复制。`;
  return null;
}

/** NOTIFY_WEBHOOK_ALLOW: comma-separated extra origins (tests, an intranet relay). */
export function allowedWebhookOrigins(env: Record<string, string | undefined>): string[] {
  return (env.NOTIFY_WEBHOOK_ALLOW ?? "")
    .split(",")
    .map((s) => s.trim().replace(/\/+$/, ""))
    .filter(Boolean);
}

/** "https://qyapi.weixin.qq.com/…key=****9f2c": enough to recognise, not to use. */
export function maskWebhook(value: string): string {
  try {
    const url = new URL(value);
    const secretParam = [...url.searchParams.keys()][0];
    const secret = secretParam ? (url.searchParams.get(secretParam) ?? "") : "";
    return `${url.origin}${url.pathname}${secretParam ? `?${secretParam}=****${secret.slice(-4)}` : ""}`;
  } catch {
    return "（地址无法识别）";
  }
}

// ---- Messages -------------------------------------------------------------------------------

export interface MessageTask {
  taskId: number;
  code: string;
  title: string;
}

export interface Message {
  title: string;
  /** Short Chinese Markdown: a bold heading line, then list items with links. */
  body: string;
}

/** Robots cut long messages (企业微信: 4,096 bytes); a long list ends with "等N项". */
export const MESSAGE_MAX_ITEMS = 15;
export const MESSAGE_MAX_LENGTH = 1200;

function taskLink(baseUrl: string, task: MessageTask): string {
  return `[${task.code} ${escapeMarkdown(task.title)}](${baseUrl}/board/${task.taskId})`;
}

/** Markdown's own characters in user text would turn into formatting (or a broken link). */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>#]/g, (c) => `\\${c}`).replace(/\s+/g, " ");
}

function listOf<T>(items: readonly T[], line: (item: T) => string): string[] {
  const shown = items.slice(0, MESSAGE_MAX_ITEMS).map(line);
  if (items.length > MESSAGE_MAX_ITEMS) shown.push(`- ……等${items.length}项`);
  return shown;
}

function bounded(lines: string[]): string {
  const text = lines.join("\n");
  return text.length <= MESSAGE_MAX_LENGTH ? text : `${text.slice(0, MESSAGE_MAX_LENGTH - 1)}…`;
}

export function urgeMessage(input: {
  baseUrl: string;
  unitName: string;
  leaderName: string;
  note: string;
  tasks: readonly MessageTask[];
}): Message {
  const title = `【催办】${input.unitName}`;
  return {
    title,
    body: bounded([
      `**${title}**`,
      `${escapeMarkdown(input.leaderName)}催办：${escapeMarkdown(input.note)}`,
      ...listOf(input.tasks, (t) => `- ${taskLink(input.baseUrl, t)}`),
      `[去填报](${input.baseUrl}/todo)`,
    ]),
  };
}

export function fridayReminderMessage(input: {
  baseUrl: string;
  unitName: string;
  weekLabel: string;
  tasks: readonly MessageTask[];
}): Message {
  const title = `【填报提醒】${input.unitName}${input.weekLabel}有${input.tasks.length}项未填报`;
  return {
    title,
    body: bounded([
      `**${title}**`,
      "请在本周内填报以下重点工作的进展：",
      ...listOf(input.tasks, (t) => `- ${taskLink(input.baseUrl, t)}`),
      `[打开我的待办](${input.baseUrl}/todo)`,
    ]),
  };
}

export interface DigestTask extends MessageTask {
  light: "red" | "yellow";
  reason: string;
  leadUnit: string | null;
}

export function mondayDigestMessage(input: {
  baseUrl: string;
  weekLabel: string;
  lastWeekLabel: string;
  flagged: readonly DigestTask[];
  missing: readonly { unitName: string; count: number }[];
}): Message {
  const red = input.flagged.filter((t) => t.light === "red");
  const yellow = input.flagged.filter((t) => t.light === "yellow");
  const title = `【督办提醒】${input.weekLabel}：红灯${red.length}项、黄灯${yellow.length}项`;
  const lines = [`**${title}**`];
  const describe = (t: DigestTask) =>
    `- ${t.light === "red" ? "■ 红灯" : "▲ 黄灯"} ${taskLink(input.baseUrl, t)}${t.leadUnit ? `（${escapeMarkdown(t.leadUnit)}）` : ""}：${escapeMarkdown(t.reason)}`;
  if (input.flagged.length) lines.push(...listOf([...red, ...yellow], describe));
  else lines.push("没有红灯、黄灯任务。");
  if (input.missing.length) {
    lines.push(`${input.lastWeekLabel}未填报：${input.missing.map((m) => `${escapeMarkdown(m.unitName)}${m.count}项`).join("、")}`);
  } else {
    lines.push(`${input.lastWeekLabel}各单位均已填报。`);
  }
  lines.push(`[打开看板](${input.baseUrl}/board)`);
  return { title, body: bounded(lines) };
}

export function testMessage(baseUrl: string, channelName: string): Message {
  const title = "【测试消息】年度重点工作看板";
  return { title, body: `**${title}**\n“${escapeMarkdown(channelName)}”已能收到本系统的提醒。\n[打开看板](${baseUrl}/board)` };
}

/** A message as plain text (e-mail, 我的待办): links become "text（url）", emphasis is dropped. */
export function markdownToText(markdown: string, links: "keep" | "drop" = "keep"): string {
  return markdown
    .replace(/(?<!\\)\[((?:\\.|[^\]\\])*)\]\(([^)\s]+)\)/g, links === "keep" ? "$1（$2）" : "$1")
    .replace(/\*\*/g, "")
    .replace(/\\([\\`*_[\]<>#])/g, "$1");
}

/** Link address from the settings, else PUBLIC_BASE_URL, else this server on localhost. */
export function normaliseBaseUrl(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  if (!trimmed) return null;
  try {
    const url = new URL(trimmed);
    if (url.protocol !== "http:" && url.protocol !== "https:") return null;
    return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
  } catch {
    return null;
  }
}
