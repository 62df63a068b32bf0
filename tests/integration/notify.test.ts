// Reminders reach the channels (issue 21): a local HTTP receiver stands in for 企业微信 and
// 钉钉 (payload shape and 钉钉's signature checked) and smtp-server for mail. Friday 15:00
// reminders arrive once even with two processes' schedulers; a receiver that fails twice gets
// the message exactly once; a worker killed between claim and send still delivers after
// restart; secrets are stored encrypted and never shown.
import { execFile } from "node:child_process";
import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { promisify } from "node:util";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../app/utils/db.server";
import { startBackgroundJobs } from "../../app/server/background-jobs";
import { createChannel, getNotifySettings, saveSchedule, saveSmtp } from "../../app/models/notify-settings.server";
import { deliverDueMessages, LEASE_MS, listOutbox, resendMessage } from "../../app/models/outbox.server";
import { runDueJobs } from "../../app/models/reminders.server";
import { urgeUnit } from "../../app/models/comments.server";
import { activePlanIds, weekCells } from "../../app/models/reports.server";
import { retryDelayMs } from "../../app/lib/notify";
import { weekKeyOf } from "../../app/lib/weeks";
import { callAction, callLoader, loadDemoSetting, makeRequest, type DemoSetting } from "./helpers";
import * as notifyRoute from "../../app/routes/admin.notify";

const run = promisify(execFile);

interface Received {
  path: string;
  query: URLSearchParams;
  body: any;
}

const SECRET_KEY = "test-secret-key-0123456789-abcdefghijklmnop";
const DING_SECRET = "SECtest0123456789abcdef";
const WECOM_KEY = "wecom-key-abcdef-123456";

let receiver: Server;
let origin = "";
const received: Received[] = [];
/** Per path: answers to give before answering success (status, body). */
const failuresAhead = new Map<string, { status: number; body: string }[]>();

let smtp: SMTPServer;
let smtpPort = 0;
const mails: { from: string; to: string[]; raw: string; user: string | undefined }[] = [];

let setting: DemoSetting;
const admin = () => setting.actors.admin;
const leader = () => setting.actors.leader;

// Friday 2025-06-13, 15:00 in Shanghai.
const FRIDAY_1500 = new Date("2025-06-13T07:00:00Z");

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    req.on("data", (chunk) => (text += chunk));
    req.on("end", () => resolve(text));
  });
}

beforeAll(async () => {
  process.env.SECRET_KEY = SECRET_KEY;
  receiver = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const text = await readBody(req);
    const failure = failuresAhead.get(url.pathname)?.shift();
    received.push({ path: url.pathname, query: url.searchParams, body: JSON.parse(text) });
    if (failure) {
      res.writeHead(failure.status, { "Content-Type": "application/json" }).end(failure.body);
      return;
    }
    res.writeHead(200, { "Content-Type": "application/json" }).end('{"errcode":0,"errmsg":"ok"}');
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
  process.env.NOTIFY_WEBHOOK_ALLOW = origin;

  smtp = new SMTPServer({
    authOptional: false,
    allowInsecureAuth: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === "dubanshi" && auth.password === "smtp-pass-123") return callback(null, { user: auth.username });
      return callback(new Error("认证失败"));
    },
    onData(stream, session, callback) {
      let raw = "";
      stream.on("data", (chunk) => (raw += chunk));
      stream.on("end", () => {
        mails.push({
          from: String(session.envelope.mailFrom && session.envelope.mailFrom.address),
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          user: session.user as string | undefined,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  smtpPort = (smtp.server.address() as { port: number }).port;

  setting = await loadDemoSetting();
  const db = getDb();
  await saveSmtp(db, admin(), {
    host: "127.0.0.1",
    port: String(smtpPort),
    secure: false,
    user: "dubanshi",
    password: "smtp-pass-123",
    clearPassword: false,
    from: "街道督查室 <dubanshi@example.gov.cn>",
  });
  await saveSchedule(db, admin(), {
    baseUrl: "https://kanban.example.gov.cn",
    jobs: {
      friday_reminder: { weekday: "5", time: "15:00", enabled: true },
      monday_digest: { weekday: "1", time: "09:00", enabled: true },
    },
  });
});

afterAll(async () => {
  await new Promise((resolve) => receiver.close(resolve));
  await new Promise((resolve) => smtp.close(() => resolve(undefined)));
});

function verifyDingtalkSignature(query: URLSearchParams): boolean {
  const timestamp = query.get("timestamp") ?? "";
  const expected = createHmac("sha256", DING_SECRET).update(`${timestamp}\n${DING_SECRET}`).digest("base64");
  return query.get("sign") === expected && Math.abs(Number(timestamp) - Date.now()) < 3600_000;
}

describe("delivery channels", () => {
  it("refuses webhook addresses of other hosts and stores secrets encrypted, never shown", async () => {
    const db = getDb();
    const unitId = setting.units["龙腾社区"];
    const before = await db.selectFrom("delivery_channels").select("id").execute();
    await expect(
      createChannel(db, admin(), {
        audience: "unit",
        unitId,
        kind: "wecom",
        name: "龙腾社区群",
        webhook: "https://evil.example.com/cgi-bin/webhook/send?key=1",
        signSecret: "",
        emailTo: "",
      }),
    ).rejects.toMatchObject({ status: 400, message: expect.stringContaining("不是企业微信群机器人的 Webhook 地址") });
    await expect(
      createChannel(db, admin(), {
        audience: "unit",
        unitId,
        kind: "email",
        name: "邮件",
        webhook: "",
        signSecret: "",
        emailTo: "not-an-address",
      }),
    ).rejects.toMatchObject({ status: 400 });
    await expect(
      createChannel(db, setting.actors.leader, {
        audience: "unit",
        unitId,
        kind: "email",
        name: "邮件",
        webhook: "",
        signSecret: "",
        emailTo: "a@example.com",
      }),
    ).rejects.toMatchObject({ status: 403 });

    // Without SECRET_KEY nothing secret is saved.
    delete process.env.SECRET_KEY;
    try {
      await expect(
        createChannel(db, admin(), {
          audience: "unit",
          unitId,
          kind: "wecom",
          name: "龙腾社区群",
          webhook: `${origin}/cgi-bin/webhook/send?key=${WECOM_KEY}`,
          signSecret: "",
          emailTo: "",
        }),
      ).rejects.toMatchObject({ status: 400, message: expect.stringContaining("SECRET_KEY") });
    } finally {
      process.env.SECRET_KEY = SECRET_KEY;
    }
    expect(await db.selectFrom("delivery_channels").select("id").execute()).toEqual(before);
  });

  it("sets up the channels through the settings page; the page shows only 已设置", async () => {
    const unitId = setting.units["东晟社区"];
    const post = (form: Record<string, string>) =>
      callAction(notifyRoute.action, makeRequest("/admin/notify", { cookie: setting.cookies.admin, form }));
    const answers = [
      await post({
        intent: "addChannel",
        target: String(unitId),
        kind: "wecom",
        name: "东晟社区工作群",
        webhook: `${origin}/cgi-bin/webhook/send?key=${WECOM_KEY}`,
      }),
      await post({
        intent: "addChannel",
        target: String(unitId),
        kind: "dingtalk",
        name: "东晟社区钉钉群",
        webhook: `${origin}/robot/send?access_token=ding-token`,
        signSecret: DING_SECRET,
      }),
      await post({
        intent: "addChannel",
        target: String(unitId),
        kind: "email",
        name: "东晟社区邮箱",
        emailTo: "dongsheng@example.gov.cn",
      }),
      await post({
        intent: "addChannel",
        target: "leaders",
        kind: "wecom",
        name: "领导班子群",
        webhook: `${origin}/leaders/cgi-bin/webhook/send?key=leaders-key`,
      }),
    ];
    for (const answer of answers) expect(answer.data).toMatchObject({ ok: true });
    const refused = await post({
      intent: "addChannel",
      target: "leaders",
      kind: "dingtalk",
      name: "x",
      webhook: "http://oapi.dingtalk.com/robot/send?access_token=1",
    });
    expect(refused.status).toBe(400);
    expect(refused.data.message).toContain("https://");

    const stored = await getDb().selectFrom("delivery_channels").selectAll().execute();
    const text = JSON.stringify(stored);
    expect(text).not.toContain(WECOM_KEY);
    expect(text).not.toContain(DING_SECRET);
    const smtpRow = await getDb()
      .selectFrom("app_settings")
      .select("value")
      .where("key", "=", "smtp.password_enc")
      .executeTakeFirstOrThrow();
    expect(smtpRow.value).not.toContain("smtp-pass-123");

    const page = await callLoader(notifyRoute.loader, makeRequest("/admin/notify", { cookie: setting.cookies.admin }));
    const shown = JSON.stringify(page.data);
    expect(shown).not.toContain(WECOM_KEY);
    expect(shown).not.toContain(DING_SECRET);
    expect(shown).not.toContain("smtp-pass-123");
    expect(page.data.settings.smtp.hasPassword).toBe(true);
    const ding = (await getNotifySettings(getDb())).channels.find((c) => c.kind === "dingtalk")!;
    expect(ding.hasSignSecret).toBe(true);
    expect(ding.webhookHint).toContain("****oken");
  });
});

describe("scheduled reminders", () => {
  it("with the clock at Friday 15:00, each unit with tasks still 未填报 gets one reminder, once", async () => {
    const db = getDb();
    const unitId = setting.units["东晟社区"];
    const week = weekKeyOf(FRIDAY_1500);
    const rows = await weekCells(db, await activePlanIds(db), week, FRIDAY_1500, unitId);
    const missing = rows.filter((r) => r.cells[0]?.status === "missing");
    expect(missing.length).toBeGreaterThan(0);

    received.length = 0;
    mails.length = 0;
    // Two processes' background jobs (and a third scheduler call) at the same moment.
    const clock = () => FRIDAY_1500;
    const never = "0 0 0 1 1 *";
    const a = startBackgroundJobs(db, { now: clock, schedulePattern: never, outboxPattern: never, log: () => {} });
    const b = startBackgroundJobs(db, { now: clock, schedulePattern: never, outboxPattern: never, log: () => {} });
    try {
      await Promise.all([a.runNow(), b.runNow(), runDueJobs(db, new Date(FRIDAY_1500.getTime() + 60_000))]);
      await Promise.all([a.runNow(), b.runNow()]);
    } finally {
      a.stop();
      b.stop();
    }

    const wecom = received.filter((r) => r.path === "/cgi-bin/webhook/send");
    const ding = received.filter((r) => r.path === "/robot/send");
    expect(wecom).toHaveLength(1);
    expect(ding).toHaveLength(1);
    expect(mails).toHaveLength(1);
    // Leaders get nothing on Friday (Monday's digest was due 4 days earlier: too late to make up).
    expect(received.filter((r) => r.path.startsWith("/leaders/"))).toHaveLength(0);

    // 企业微信: exactly {"msgtype":"markdown","markdown":{"content":…}}.
    expect(Object.keys(wecom[0].body)).toEqual(["msgtype", "markdown"]);
    expect(wecom[0].body.msgtype).toBe("markdown");
    expect(Object.keys(wecom[0].body.markdown)).toEqual(["content"]);
    expect(wecom[0].query.get("key")).toBe(WECOM_KEY);
    const content: string = wecom[0].body.markdown.content;
    expect(content).toContain(`东晟社区本周有${missing.length}项未填报`);
    for (const task of missing.slice(0, 15)) expect(content).toContain(`https://kanban.example.gov.cn/board/${task.taskId}`);

    // 钉钉: {"msgtype":"markdown","markdown":{"title","text"}}, signed with the secret.
    expect(Object.keys(ding[0].body)).toEqual(["msgtype", "markdown"]);
    expect(Object.keys(ding[0].body.markdown).sort()).toEqual(["text", "title"]);
    expect(ding[0].body.markdown.text).toBe(content);
    expect(ding[0].query.get("access_token")).toBe("ding-token");
    expect(verifyDingtalkSignature(ding[0].query)).toBe(true);

    // E-mail: through the SMTP server, authenticated with the stored (encrypted) password.
    expect(mails[0].to).toEqual(["dongsheng@example.gov.cn"]);
    expect(mails[0].user).toBe("dubanshi");
    expect(mails[0].raw).toMatch(/Subject: =\?UTF-8\?/);

    // In-app: one 系统提醒 for the unit on 我的待办.
    const inApp = await db
      .selectFrom("outbox")
      .select(["unit_id", "status"])
      .where("channel_kind", "=", "inapp")
      .where("event", "=", "friday_reminder")
      .execute();
    expect(inApp.filter((r) => r.unit_id === unitId)).toEqual([{ unit_id: unitId, status: "sent" }]);
    const run = await db.selectFrom("job_runs").selectAll().where("name", "=", "friday_reminder").executeTakeFirstOrThrow();
    expect(run.last_slot).toBe(FRIDAY_1500.toISOString());

    // Later ticks of the same week send nothing more.
    received.length = 0;
    expect(await runDueJobs(db, new Date(FRIDAY_1500.getTime() + 3600_000))).toEqual([]);
    await deliverDueMessages(db, { now: () => new Date(FRIDAY_1500.getTime() + 3600_000) });
    expect(received).toHaveLength(0);
  });

  it("Monday 9:00 sends the leaders the 红灯/黄灯 list and last week's missing reports", async () => {
    const db = getDb();
    received.length = 0;
    const monday = new Date("2025-06-16T01:00:00Z");
    const outcomes = await runDueJobs(db, monday);
    expect(outcomes.map((o) => o.name)).toEqual(["monday_digest"]);
    await deliverDueMessages(db, { now: () => monday });
    const leaders = received.filter((r) => r.path.startsWith("/leaders/"));
    expect(leaders).toHaveLength(1);
    expect(leaders[0].body.markdown.content).toMatch(/【督办提醒】.*红灯\d+项、黄灯\d+项/);
    expect(leaders[0].body.markdown.content).toMatch(/上周(未填报|各单位均已填报)/);
  });

  it("Monday 9:30 issues last week's 督办通报 once and pushes its short version to the leaders", async () => {
    const db = getDb();
    received.length = 0;
    const monday = new Date("2025-06-16T01:30:00Z");
    const outcomes = await runDueJobs(db, monday);
    expect(outcomes.map((o) => o.name)).toEqual(["weekly_briefing"]);
    const issued = await db.selectFrom("briefings").selectAll().where("period_kind", "=", "week").execute();
    expect(issued.map((b) => [b.period_start, b.period_end, b.issued_by])).toEqual([["2025-06-09", "2025-06-15", null]]);
    expect(outcomes[0].result).toBe(`出具督办通报2025年第${issued[0].number}期（推送1条）`);
    await deliverDueMessages(db, { now: () => monday });
    const leaders = received.filter((r) => r.path.startsWith("/leaders/"));
    expect(leaders).toHaveLength(1);
    const content: string = leaders[0].body.markdown.content;
    expect(content).toContain(`平东街道重点工作督办通报（2025年第${issued[0].number}期）`);
    expect(content).toContain(`https://kanban.example.gov.cn/briefings?year=2025&issue=${issued[0].id}`);

    // A second tick, or another process, of the same Monday issues and sends nothing more.
    received.length = 0;
    expect(await runDueJobs(db, new Date(monday.getTime() + 60_000))).toEqual([]);
    await deliverDueMessages(db, { now: () => new Date(monday.getTime() + 60_000) });
    expect(received).toHaveLength(0);
    expect(await db.selectFrom("briefings").select("id").execute()).toHaveLength(1);
  });
});

describe("the outbox", () => {
  it("a 催办 goes out at once; a receiver that fails twice gets it exactly once, with each failure recorded", async () => {
    const db = getDb();
    const unitId = setting.units["东晟社区"];
    const task = await db
      .selectFrom("task_units")
      .innerJoin("tasks", "tasks.id", "task_units.task_id")
      .select("tasks.id")
      .where("task_units.unit_id", "=", unitId)
      .where("tasks.status", "!=", "done")
      .orderBy("tasks.code")
      .executeTakeFirstOrThrow();
    received.length = 0;
    mails.length = 0;
    failuresAhead.set("/cgi-bin/webhook/send", [
      { status: 502, body: "Bad Gateway" },
      { status: 200, body: '{"errcode":45009,"errmsg":"api freq out of limit"}' },
    ]);
    // After every demo 催办 (one a day per unit and task).
    const t0 = new Date("2027-03-02T02:00:00Z");
    const result = await urgeUnit(db, leader(), { taskId: task.id, unitId, note: "请今天下班前补报。" }, t0);
    expect(result.ok).toBe(true);
    const rows = await db.selectFrom("outbox").selectAll().where("event", "=", "urge").execute();
    expect(rows.map((r) => r.channel_kind).sort()).toEqual(["dingtalk", "email", "wecom"]);

    await deliverDueMessages(db, { now: () => t0 });
    const wecomRow = () =>
      db.selectFrom("outbox").selectAll().where("event", "=", "urge").where("channel_kind", "=", "wecom").executeTakeFirstOrThrow();
    expect(await wecomRow()).toMatchObject({ status: "pending", attempts: 1, last_error: expect.stringContaining("HTTP 502") });
    // Before the backoff has passed nothing is tried again.
    await deliverDueMessages(db, { now: () => new Date(t0.getTime() + retryDelayMs(1) - 1000) });
    expect(received.filter((r) => r.path === "/cgi-bin/webhook/send")).toHaveLength(1);
    const t1 = new Date(t0.getTime() + retryDelayMs(1));
    await deliverDueMessages(db, { now: () => t1 });
    expect(await wecomRow()).toMatchObject({ status: "pending", attempts: 2, last_error: expect.stringContaining("45009") });
    const t2 = new Date(t1.getTime() + retryDelayMs(2));
    await deliverDueMessages(db, { now: () => t2 });
    await deliverDueMessages(db, { now: () => new Date(t2.getTime() + 3600_000) });

    const wecom = received.filter((r) => r.path === "/cgi-bin/webhook/send");
    expect(wecom).toHaveLength(3);
    expect(wecom.every((r) => r.body.markdown.content === wecom[0].body.markdown.content)).toBe(true);
    expect(wecom[0].body.markdown.content).toContain("【催办】东晟社区");
    expect(wecom[0].body.markdown.content).toContain("请今天下班前补报。");
    expect(await wecomRow()).toMatchObject({ status: "sent", attempts: 3, response: '{"errcode":0,"errmsg":"ok"}' });
    // The other channels got it once, on the first pass.
    expect(received.filter((r) => r.path === "/robot/send")).toHaveLength(1);
    expect(mails).toHaveLength(1);

    // 重发 from the 发送记录 page sends it once more, on purpose.
    const sentRow = await wecomRow();
    await resendMessage(db, admin(), sentRow.id, t2);
    await deliverDueMessages(db, { now: () => t2 });
    expect(received.filter((r) => r.path === "/cgi-bin/webhook/send")).toHaveLength(4);
    const listed = await listOutbox(db);
    expect(listed.find((e) => e.id === sentRow.id)).toMatchObject({ status: "sent", attempts: 1 });
  });

  it("a worker killed between claim and send: the message is delivered after restart, exactly once", async () => {
    const db = getDb();
    const unitId = setting.units["东晟社区"];
    const task = await db
      .selectFrom("task_units")
      .innerJoin("tasks", "tasks.id", "task_units.task_id")
      .select("tasks.id")
      .where("task_units.unit_id", "=", unitId)
      .where("tasks.status", "!=", "done")
      .orderBy("tasks.code", "desc")
      .executeTakeFirstOrThrow();
    const t0 = new Date("2027-03-04T02:00:00Z");
    expect((await urgeUnit(db, leader(), { taskId: task.id, unitId, note: "请补报。" }, t0)).ok).toBe(true);
    const written = await db.selectFrom("outbox").select("id").where("event", "=", "urge").where("status", "=", "pending").execute();
    expect(written).toHaveLength(3);
    received.length = 0;
    mails.length = 0;

    // Another process claims the rows and dies (SIGKILL) before sending.
    const child = await run(process.execPath, ["--import", "tsx", "tests/integration/outbox-abandon-worker.ts", t0.toISOString()], {
      env: process.env,
    }).catch((error: { stdout?: string; signal?: string }) => error);
    expect((child as { signal?: string }).signal).toBe("SIGKILL");
    const claimed: number[] = JSON.parse(String((child as { stdout: string }).stdout).trim());
    expect(claimed.sort()).toEqual(written.map((r) => r.id).sort());

    // While its lease runs, nobody sends them; after it, a new worker sends each once.
    await deliverDueMessages(db, { now: () => new Date(t0.getTime() + LEASE_MS - 1000) });
    expect(received.length + mails.length).toBe(0);
    const after = new Date(t0.getTime() + LEASE_MS + 1000);
    const report = await deliverDueMessages(db, { now: () => after });
    expect(report).toEqual({ sent: 3, failed: 0, retrying: 0 });
    await deliverDueMessages(db, { now: () => new Date(after.getTime() + 3600_000) });
    expect(received.filter((r) => r.path === "/cgi-bin/webhook/send")).toHaveLength(1);
    expect(received.filter((r) => r.path === "/robot/send")).toHaveLength(1);
    expect(mails).toHaveLength(1);
  });
});
