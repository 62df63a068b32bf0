// 消息推送 (admin): where reminders go (企业微信/钉钉 group robots and e-mail, per unit and for
// the leaders), the SMTP server, the link address in messages and the reminder times. Secrets
// are shown only as "已设置"; a new value replaces them, a checkbox clears them.
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { CHANNEL_LABELS, describeJobTime, SCHEDULED_JOBS, testMessage, WEEKDAY_LABELS } from "~/lib/notify";
import { isRefusal } from "~/lib/refusal";
import { formatDateTime } from "~/lib/weeks";
import {
  baseUrlOf,
  CHANNEL_NAME_MAX,
  createChannel,
  deleteChannel,
  getNotifySettings,
  readSettings,
  saveSchedule,
  saveSmtp,
  updateChannel,
  type ChannelView,
} from "~/models/notify-settings.server";
import { enqueueTestMessage } from "~/models/outbox.server";
import { listUnits } from "~/models/units.server";
import { requireUser } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { readForm, readIntent } from "~/utils/forms.server";
import { badRequest } from "~/lib/refusal";
import { parseRowId } from "~/lib/row-id";
import { secretKeyConfigured } from "~/utils/secret-box.server";

const INTENTS = ["schedule", "smtp", "addChannel", "updateChannel", "deleteChannel", "testChannel"] as const;
type Intent = (typeof INTENTS)[number];

export async function loader(args: LoaderFunctionArgs) {
  await requireUser(args, "admin");
  const db = getDb();
  return {
    settings: await getNotifySettings(db),
    units: (await listUnits(db)).map((u) => ({ id: u.id, name: u.name })),
    secretKeyReady: secretKeyConfigured(),
  };
}

const str = (formData: FormData, name: string, max = 2000): string => {
  const value = formData.get(name);
  if (value != null && typeof value !== "string") badRequest("提交的表单无法识别，请回到页面重新填写后提交。");
  if ((value ?? "").length > max) badRequest("填写的内容过长，请检查后重新提交。");
  return value ?? "";
};

/** Several text fields at once, each cut off at its limit: `{ name: 200 }` → `{ name: "…" }`. */
function texts<K extends string>(formData: FormData, limits: Record<K, number>): Record<K, string> {
  return Object.fromEntries(Object.entries<number>(limits).map(([name, max]) => [name, str(formData, name, max)])) as Record<K, string>;
}

/** A channel's text fields, the same when it is added and when it is changed. */
const CHANNEL_TEXTS = { name: 200, webhook: 1000, signSecret: 1000, emailTo: 2000 };

const rowId = (formData: FormData, name: string): number =>
  parseRowId(str(formData, name, 20)) ?? badRequest("请求内容有误，请刷新页面后重试。");

const KINDS = ["wecom", "dingtalk", "email"] as const;

interface ActionAnswer {
  intent: Intent;
  channelId: number | null;
  ok: boolean;
  message: string;
}

async function perform(
  intent: Intent,
  formData: FormData,
  admin: Awaited<ReturnType<typeof requireUser>>,
): Promise<{ message: string; channelId: number | null }> {
  const db = getDb();
  switch (intent) {
    case "schedule": {
      const jobs: Record<string, { weekday: string; time: string; enabled: boolean }> = {};
      for (const { name } of SCHEDULED_JOBS) {
        jobs[name] = {
          weekday: str(formData, `${name}.weekday`, 2),
          time: str(formData, `${name}.time`, 10),
          enabled: formData.get(`${name}.enabled`) === "on",
        };
      }
      await saveSchedule(db, admin, { baseUrl: str(formData, "baseUrl", 300), jobs });
      return { message: "已保存提醒时间和链接地址。", channelId: null };
    }
    case "smtp":
      await saveSmtp(db, admin, {
        ...texts(formData, { host: 300, port: 10, user: 300, password: 300, from: 300 }),
        secure: formData.get("secure") === "on",
        clearPassword: formData.get("clearPassword") === "on",
      });
      return { message: "已保存发信服务器设置。", channelId: null };
    case "addChannel": {
      const target = str(formData, "target", 20);
      const kind = str(formData, "kind", 20);
      if (!(KINDS as readonly string[]).includes(kind)) badRequest("请选择渠道类型。");
      const unitId = target === "leaders" ? null : (parseRowId(target) ?? badRequest("请选择接收提醒的单位或街道领导。"));
      const id = await createChannel(db, admin, {
        audience: target === "leaders" ? "leaders" : "unit",
        unitId,
        kind: kind as (typeof KINDS)[number],
        ...texts(formData, CHANNEL_TEXTS),
      });
      return { message: "已添加推送渠道。可点击“发送测试消息”检查是否能收到。", channelId: id };
    }
    case "updateChannel": {
      const channelId = rowId(formData, "channelId");
      await updateChannel(db, admin, {
        channelId,
        version: rowId(formData, "version"),
        ...texts(formData, CHANNEL_TEXTS),
        enabled: formData.get("enabled") === "on",
        clearSignSecret: formData.get("clearSignSecret") === "on",
      });
      return { message: "已保存。", channelId };
    }
    case "deleteChannel": {
      const channelId = rowId(formData, "channelId");
      await deleteChannel(db, admin, channelId);
      return { message: "已删除推送渠道。", channelId: null };
    }
    case "testChannel": {
      const channelId = rowId(formData, "channelId");
      const channel = await db.selectFrom("delivery_channels").select("name").where("id", "=", channelId).executeTakeFirst();
      await enqueueTestMessage(db, admin, channelId, testMessage(baseUrlOf(await readSettings(db)), channel?.name ?? ""));
      return { message: "测试消息已进入发送队列，几秒钟后可在“发送记录”中查看结果。", channelId };
    }
  }
}

export async function action(args: ActionFunctionArgs) {
  const admin = await requireUser(args, "admin");
  const formData = await readForm(args.request);
  const intent = readIntent(formData, INTENTS);
  const channelId = Number(formData.get("channelId")) || null;
  try {
    const done = await perform(intent, formData, admin);
    return { intent, channelId: done.channelId, ok: true, message: done.message } satisfies ActionAnswer;
  } catch (error) {
    // A refused setting comes back to its own form, in Chinese, with nothing saved.
    if (isRefusal(error) && error.status !== 403) {
      return data({ intent, channelId, ok: false, message: error.message } satisfies ActionAnswer, { status: error.status });
    }
    throw error;
  }
}

function Answer({ answer, intent, channelId = null }: { answer: ActionAnswer | undefined; intent: Intent; channelId?: number | null }) {
  if (!answer || answer.intent !== intent || (channelId != null && answer.channelId !== channelId)) return null;
  return (
    <p className={answer.ok ? "notice" : "form-error"} role={answer.ok ? "status" : "alert"}>
      {answer.message}
    </p>
  );
}

/** A form's submit button for its intent, then the answer to that form. */
function SaveButton({
  intent,
  busy,
  answer,
  children,
}: {
  intent: Intent;
  busy: boolean;
  answer: ActionAnswer | undefined;
  children: string;
}) {
  return (
    <>
      <div>
        <button type="submit" name="intent" value={intent} className="button primary" disabled={busy}>
          {children}
        </button>
      </div>
      <Answer answer={answer} intent={intent} />
    </>
  );
}

function ChannelRow({ channel, answer, busy }: { channel: ChannelView; answer: ActionAnswer | undefined; busy: boolean }) {
  const robot = channel.kind !== "email";
  return (
    <li className={channel.enabled ? "channel-row" : "channel-row row-muted"}>
      <Form method="post" className="channel-form" aria-label={`编辑推送渠道 ${channel.name}`}>
        <input type="hidden" name="channelId" value={channel.id} />
        <input type="hidden" name="version" value={channel.version} />
        <p className="channel-head">
          <strong>{channel.targetName}</strong> · {CHANNEL_LABELS[channel.kind]}
          {channel.enabled ? null : <span className="muted">（已停用）</span>}
        </p>
        <div className="channel-fields">
          <label className="field">
            <span>名称</span>
            <input name="name" defaultValue={channel.name} maxLength={CHANNEL_NAME_MAX} required />
          </label>
          {robot ? (
            <label className="field grow">
              <span>
                Webhook 地址 <span className="secret-state">{channel.webhookHint ? `已设置：${channel.webhookHint}` : "未设置"}</span>
              </span>
              <input name="webhook" type="url" placeholder="留空则保持不变；填写新地址即替换" autoComplete="off" />
            </label>
          ) : (
            <label className="field grow">
              <span>收件人（多个用逗号分隔）</span>
              <input name="emailTo" defaultValue={channel.emailTo ?? ""} />
            </label>
          )}
          {channel.kind === "dingtalk" ? (
            <label className="field">
              <span>
                加签密钥 <span className="secret-state">{channel.hasSignSecret ? "已设置" : "未设置"}</span>
              </span>
              <input name="signSecret" type="password" placeholder="留空则保持不变" autoComplete="new-password" />
            </label>
          ) : null}
          {channel.kind === "dingtalk" && channel.hasSignSecret ? (
            <label className="checkbox">
              <input type="checkbox" name="clearSignSecret" />
              <span>清除加签密钥</span>
            </label>
          ) : null}
          <label className="checkbox">
            <input type="checkbox" name="enabled" defaultChecked={channel.enabled} />
            <span>启用</span>
          </label>
        </div>
        <div className="button-row">
          <button type="submit" name="intent" value="updateChannel" className="button secondary" disabled={busy}>
            保存
          </button>
          <button type="submit" name="intent" value="testChannel" className="button secondary" disabled={busy || !channel.enabled}>
            发送测试消息
          </button>
          <button type="submit" name="intent" value="deleteChannel" className="button danger" disabled={busy}>
            删除
          </button>
        </div>
        <Answer answer={answer} intent="updateChannel" channelId={channel.id} />
        <Answer answer={answer} intent="testChannel" channelId={channel.id} />
        <Answer answer={answer} intent="deleteChannel" channelId={channel.id} />
      </Form>
    </li>
  );
}

export default function AdminNotify() {
  const { settings, units, secretKeyReady } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>() as ActionAnswer | undefined;
  const busy = useNavigation().state === "submitting";
  const leaders = settings.channels.filter((c) => c.audience === "leaders");
  const unitChannels = settings.channels.filter((c) => c.audience === "unit");
  return (
    <div className="stack notify-settings">
      <p className="muted">
        提醒先进入发送队列，再由后台逐条发送；发送失败会自动重试（间隔逐次加倍），结果见
        <Link to="/admin/outbox">发送记录</Link>。站内提醒总会出现在各人的“我的待办”中。
      </p>
      {secretKeyReady ? null : (
        <p className="form-error" role="alert">
          服务器未设置 SECRET_KEY 环境变量：Webhook 地址、加签密钥和邮箱密码无法加密保存。请系统管理员设置（至少32个字符）后重启服务。
        </p>
      )}

      <section className="card stack" aria-labelledby="schedule-title">
        <h2 id="schedule-title">提醒时间（北京时间）</h2>
        <Form method="post" className="stack">
          {settings.jobs.map((job) => (
            <fieldset key={job.name} className="job-time">
              <legend>{job.label}</legend>
              <p className="muted small">{job.description}</p>
              <div className="inline-fields">
                <label className="field">
                  <span>星期</span>
                  <select name={`${job.name}.weekday`} defaultValue={job.time.weekday}>
                    {WEEKDAY_LABELS.map((label, index) => (
                      <option key={label} value={index}>
                        {label}
                      </option>
                    ))}
                  </select>
                </label>
                <label className="field time-input">
                  <span>时间</span>
                  <input name={`${job.name}.time`} type="time" defaultValue={job.time.time} required />
                </label>
                <label className="checkbox">
                  <input type="checkbox" name={`${job.name}.enabled`} defaultChecked={job.time.enabled} />
                  <span>启用</span>
                </label>
              </div>
              <p className="small muted">
                {job.time.enabled ? describeJobTime(job.time) : "已停用"}
                {job.lastRunAt ? ` · 上次运行：${formatDateTime(job.lastRunAt)}，${job.lastResult ?? ""}` : " · 尚未运行"}
              </p>
            </fieldset>
          ))}
          <label className="field">
            <span>消息中的链接地址</span>
            <input name="baseUrl" type="url" defaultValue={settings.baseUrlSetting} placeholder={settings.baseUrl} maxLength={200} />
            <span className="small muted">
              同事在手机上点开消息中的链接时访问的地址，如 https://kanban.example.gov.cn；留空则使用 {settings.baseUrl}
            </span>
          </label>
          <SaveButton intent="schedule" busy={busy} answer={answer}>
            保存提醒时间
          </SaveButton>
        </Form>
      </section>

      <section className="card stack" aria-labelledby="channels-title">
        <h2 id="channels-title">推送渠道（{settings.channels.length}）</h2>
        <h3>街道领导</h3>
        {leaders.length ? (
          <ul className="plain-list channel-list">
            {leaders.map((channel) => (
              <ChannelRow key={`${channel.id}-${channel.version}`} channel={channel} answer={answer} busy={busy} />
            ))}
          </ul>
        ) : (
          <p className="muted">尚未设置：领导只在“我的待办”中看到周一督办提醒。</p>
        )}
        <h3>各单位</h3>
        {unitChannels.length ? (
          <ul className="plain-list channel-list">
            {unitChannels.map((channel) => (
              <ChannelRow key={`${channel.id}-${channel.version}`} channel={channel} answer={answer} busy={busy} />
            ))}
          </ul>
        ) : (
          <p className="muted">尚未设置：各单位只在“我的待办”中看到催办和填报提醒。</p>
        )}
        <Answer answer={answer} intent="deleteChannel" />
      </section>

      <section className="card stack" aria-labelledby="new-channel-title">
        <h2 id="new-channel-title">添加推送渠道</h2>
        <Form method="post" className="stack" key={answer?.intent === "addChannel" && answer.ok ? `added-${answer.channelId}` : "new"}>
          <div className="inline-fields">
            <label className="field">
              <span>接收对象</span>
              <select name="target" defaultValue="leaders">
                <option value="leaders">街道领导（周一督办提醒）</option>
                {units.map((unit) => (
                  <option key={unit.id} value={unit.id}>
                    {unit.name}（催办、周五填报提醒）
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span>渠道类型</span>
              <select name="kind" defaultValue="wecom">
                <option value="wecom">{CHANNEL_LABELS.wecom}</option>
                <option value="dingtalk">{CHANNEL_LABELS.dingtalk}</option>
                <option value="email">{CHANNEL_LABELS.email}</option>
              </select>
            </label>
          </div>
          <label className="field">
            <span>名称</span>
            <input name="name" maxLength={CHANNEL_NAME_MAX} placeholder="如：东晟社区工作群" required />
          </label>
          <label className="field">
            <span>Webhook 地址（企业微信、钉钉）</span>
            <input name="webhook" type="url" autoComplete="off" placeholder="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…" />
          </label>
          <label className="field">
            <span>加签密钥（钉钉，安全设置选“加签”时填写）</span>
            <input name="signSecret" type="password" autoComplete="new-password" placeholder="SEC…" />
          </label>
          <label className="field">
            <span>收件人邮箱（电子邮件，多个用逗号分隔）</span>
            <input name="emailTo" placeholder="dongsheng@example.gov.cn" />
          </label>
          <SaveButton intent="addChannel" busy={busy} answer={answer}>
            添加渠道
          </SaveButton>
        </Form>
      </section>

      <section className="card stack" aria-labelledby="smtp-title">
        <h2 id="smtp-title">发信服务器（SMTP）</h2>
        <Form method="post" className="stack">
          <div className="inline-fields">
            <label className="field grow">
              <span>服务器地址</span>
              <input name="host" defaultValue={settings.smtp.host} placeholder="smtp.example.gov.cn（留空则不发邮件）" maxLength={200} />
            </label>
            <label className="field small-input">
              <span>端口</span>
              <input name="port" inputMode="numeric" defaultValue={settings.smtp.port} maxLength={5} />
            </label>
            <label className="checkbox">
              <input type="checkbox" name="secure" defaultChecked={settings.smtp.secure} />
              <span>SSL（端口465）</span>
            </label>
          </div>
          <label className="field">
            <span>发件人</span>
            <input name="from" defaultValue={settings.smtp.from} placeholder="街道督查室 <dubanshi@example.gov.cn>" maxLength={200} />
          </label>
          <div className="inline-fields">
            <label className="field grow">
              <span>用户名</span>
              <input name="user" defaultValue={settings.smtp.user} autoComplete="off" maxLength={200} />
            </label>
            <label className="field grow">
              <span>
                密码或授权码 <span className="secret-state">{settings.smtp.hasPassword ? "已设置" : "未设置"}</span>
              </span>
              <input name="password" type="password" autoComplete="new-password" placeholder="留空则保持不变" maxLength={200} />
            </label>
            {settings.smtp.hasPassword ? (
              <label className="checkbox">
                <input type="checkbox" name="clearPassword" />
                <span>清除密码</span>
              </label>
            ) : null}
          </div>
          <SaveButton intent="smtp" busy={busy} answer={answer}>
            保存发信服务器
          </SaveButton>
        </Form>
      </section>
    </div>
  );
}
