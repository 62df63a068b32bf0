// Sending one message over one channel: 企业微信 and 钉钉 group robots (HTTPS webhooks, JSON
// markdown payloads) and e-mail over SMTP (nodemailer). Every request has a time limit; the
// answer (or error) is returned for the outbox to record, never thrown.
import { createHmac } from "node:crypto";
import nodemailer from "nodemailer";
import { allowedWebhookOrigins, markdownToText, webhookProblem, type ChannelKind } from "~/lib/notify";

export const SEND_TIMEOUT_MS = 10_000;
const ANSWER_MAX_LENGTH = 500;

export interface SmtpSettings {
  host: string;
  port: number;
  /** true: TLS from the start (465); false: STARTTLS when offered (25/587). */
  secure: boolean;
  user: string | null;
  password: string | null;
  from: string;
}

export interface ChannelTarget {
  kind: ChannelKind;
  webhook?: string | null;
  signSecret?: string | null;
  emailTo?: string[];
  smtp?: SmtpSettings | null;
}

export interface SendResult {
  ok: boolean;
  /** What the channel answered (shortened), or the error in Chinese. */
  answer: string;
}

export type SendFunction = (target: ChannelTarget, message: { title: string; body: string }) => Promise<SendResult>;

const clip = (text: string) => (text.length > ANSWER_MAX_LENGTH ? `${text.slice(0, ANSWER_MAX_LENGTH)}…` : text);

/** 钉钉 加签: base64(HMAC-SHA256(secret, "timestamp\nsecret")), URL-encoded, with the timestamp. */
export function dingtalkSignedUrl(webhook: string, secret: string, timestampMs: number): string {
  const sign = createHmac("sha256", secret).update(`${timestampMs}\n${secret}`, "utf8").digest("base64");
  const url = new URL(webhook);
  url.searchParams.set("timestamp", String(timestampMs));
  url.searchParams.set("sign", sign);
  return url.toString();
}

export function robotPayload(kind: "wecom" | "dingtalk", message: { title: string; body: string }): unknown {
  return kind === "wecom"
    ? { msgtype: "markdown", markdown: { content: message.body } }
    : { msgtype: "markdown", markdown: { title: message.title, text: message.body } };
}

function describeError(error: unknown): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === "TimeoutError" || e?.name === "AbortError") return `超时（${SEND_TIMEOUT_MS / 1000}秒内没有应答）`;
  const detail = e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(error);
  return `连接失败：${detail}`;
}

async function sendToRobot(target: ChannelTarget, message: { title: string; body: string }): Promise<SendResult> {
  const kind = target.kind as "wecom" | "dingtalk";
  if (!target.webhook) return { ok: false, answer: "未设置 Webhook 地址" };
  // Checked again at sending: a stored address is only trusted as far as the rules of today.
  const problem = webhookProblem(kind, target.webhook, allowedWebhookOrigins(process.env));
  if (problem) return { ok: false, answer: problem };
  const url = kind === "dingtalk" && target.signSecret ? dingtalkSignedUrl(target.webhook, target.signSecret, Date.now()) : target.webhook;
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json; charset=utf-8" },
      body: JSON.stringify(robotPayload(kind, message)),
      redirect: "error",
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    });
  } catch (error) {
    return { ok: false, answer: describeError(error) };
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    return { ok: false, answer: describeError(error) };
  }
  if (!response.ok) return { ok: false, answer: clip(`HTTP ${response.status}：${text}`) };
  // Both robots answer 200 with {"errcode":0,"errmsg":"ok"}; anything else is their refusal.
  let parsed: { errcode?: unknown; errmsg?: unknown } | null = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  if (!parsed || parsed.errcode !== 0) return { ok: false, answer: clip(`机器人拒绝：${text}`) };
  return { ok: true, answer: clip(text) };
}

async function sendMail(target: ChannelTarget, message: { title: string; body: string }): Promise<SendResult> {
  const smtp = target.smtp;
  if (!smtp) return { ok: false, answer: "未配置发信服务器（SMTP），请在“消息推送”设置中填写。" };
  if (!target.emailTo?.length) return { ok: false, answer: "没有收件人" };
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    auth: smtp.user ? { user: smtp.user, pass: smtp.password ?? "" } : undefined,
    connectionTimeout: SEND_TIMEOUT_MS,
    greetingTimeout: SEND_TIMEOUT_MS,
    socketTimeout: SEND_TIMEOUT_MS,
  });
  try {
    const info = await transport.sendMail({
      from: smtp.from,
      to: target.emailTo,
      subject: message.title,
      text: markdownToText(message.body),
    });
    return { ok: true, answer: clip(String(info.response ?? "250 OK")) };
  } catch (error) {
    const e = error as { response?: string; message?: string };
    return { ok: false, answer: clip(`发信失败：${e.response ?? e.message ?? String(error)}`) };
  } finally {
    transport.close();
  }
}

export const sendOverChannel: SendFunction = (target, message) =>
  target.kind === "email" ? sendMail(target, message) : sendToRobot(target, message);
