// Scheduled reminders: Friday's 填报提醒 to each unit with tasks still 未填报 this week, and
// Monday's 督办提醒 to the leaders (红灯/黄灯 tasks and last week's missing reports). Each job
// runs once per slot for the whole installation: the transaction that writes its messages also
// moves job_runs.last_slot forward, and only the transaction that finds the slot not yet taken
// writes anything (writes are serialised on SQLite and, by an advisory lock, on PostgreSQL).
import { Cron } from "croner";
import type { Transaction } from "kysely";
import type { AppDatabase } from "../../db/index";
import type { Database } from "../../db/schema";
import { EMPTY_FILTERS } from "~/lib/board";
import {
  CATCH_UP_HOURS,
  cronPatternOf,
  fridayReminderMessage,
  mondayDigestMessage,
  SCHEDULED_JOBS,
  type DigestTask,
  type JobTime,
  type MessageTask,
} from "~/lib/notify";
import { OFFICE_TIME_ZONE, previousWeek, weekKeyOf, weekLabel } from "~/lib/weeks";
import { enqueueMessage, outboxWritten } from "~/models/outbox.server";
import { baseUrlOf, jobTimesOf, readSettings } from "~/models/notify-settings.server";
import { getPlan, todayKey } from "~/models/plans.server";
import { activePlanIds, weekCells } from "~/models/reports.server";
import { listBoard } from "~/routes/board/cards.server";
import { briefingMarkdown, briefingTitle, finishedPeriods } from "~/lib/briefing";
import { issueBriefingIn, periodProblem } from "~/models/briefings.server";

type Trx = Transaction<Database>;

/** Writes one slot's messages (inside the claiming transaction); returns a short Chinese result. */
export type JobRunner = (trx: Trx, context: { slot: Date; now: Date; baseUrl: string }) => Promise<string>;

async function fridayReminder(trx: Trx, { slot, now, baseUrl }: { slot: Date; now: Date; baseUrl: string }): Promise<string> {
  const week = weekKeyOf(slot);
  const rows = await weekCells(trx, await activePlanIds(trx), week, now);
  const missing = new Map<number, MessageTask[]>();
  for (const row of rows) {
    for (const cell of row.cells) {
      if (cell.status !== "missing") continue;
      missing.set(cell.unitId, [...(missing.get(cell.unitId) ?? []), { taskId: row.taskId, code: row.code, title: row.title }]);
    }
  }
  if (missing.size === 0) return "各单位本周均已填报，无需提醒";
  const units = await trx
    .selectFrom("units")
    .select(["id", "name"])
    .where("id", "in", [...missing.keys()])
    .execute();
  let channels = 0;
  for (const unit of units) {
    const message = fridayReminderMessage({ baseUrl, unitName: unit.name, weekLabel: "本周", tasks: missing.get(unit.id)! });
    channels += await enqueueMessage(
      trx,
      {
        event: "friday_reminder",
        audience: "unit",
        unitId: unit.id,
        taskId: null,
        message,
        dedupeKey: `friday_reminder:${week}:u${unit.id}`,
      },
      now,
      { inApp: true },
    );
  }
  return `提醒${units.length}个单位（推送${channels}条）`;
}

async function mondayDigest(trx: Trx, { slot, now, baseUrl }: { slot: Date; now: Date; baseUrl: string }): Promise<string> {
  const week = weekKeyOf(slot);
  const lastWeek = previousWeek(week);
  const planIds = await activePlanIds(trx);
  const flagged: DigestTask[] = [];
  for (const planId of planIds) {
    const plan = await getPlan(trx, planId);
    if (!plan) continue;
    const { cards } = await listBoard(trx, plan, { filters: EMPTY_FILTERS, today: todayKey(now), limit: Infinity });
    for (const card of cards) {
      if (card.light.light !== "red" && card.light.light !== "yellow") continue;
      flagged.push({
        taskId: card.id,
        code: card.code,
        title: card.title,
        light: card.light.light,
        reason: card.light.reasons[0] ?? "",
        leadUnit: card.leadUnit?.name ?? null,
      });
    }
  }
  flagged.sort((a, b) => Number(b.light === "red") - Number(a.light === "red") || a.code.localeCompare(b.code));
  const counts = new Map<number, number>();
  for (const row of await weekCells(trx, planIds, lastWeek, now)) {
    for (const cell of row.cells) if (cell.status === "missing") counts.set(cell.unitId, (counts.get(cell.unitId) ?? 0) + 1);
  }
  const units = counts.size
    ? await trx
        .selectFrom("units")
        .select(["id", "name"])
        .where("id", "in", [...counts.keys()])
        .orderBy("sort_order")
        .execute()
    : [];
  const message = mondayDigestMessage({
    baseUrl,
    weekLabel: weekLabel(week),
    lastWeekLabel: "上周",
    flagged,
    missing: units.map((u) => ({ unitName: u.name, count: counts.get(u.id)! })),
  });
  const channels = await enqueueMessage(
    trx,
    { event: "monday_digest", audience: "leaders", unitId: null, taskId: null, message, dedupeKey: `monday_digest:${week}` },
    now,
    { inApp: true },
  );
  return `红灯黄灯${flagged.length}项，上周未填报单位${units.length}个（推送${channels}条）`;
}

/**
 * Monday's 督办通报: last week's 通报 of every active plan whose year holds that week, issued
 * (numbered) in this run's transaction, and its short version pushed to the leaders.
 */
async function weeklyBriefing(trx: Trx, { now, baseUrl }: { slot: Date; now: Date; baseUrl: string }): Promise<string> {
  const today = todayKey(now);
  const period = finishedPeriods("week", today, 1)[0];
  const issued: string[] = [];
  let channels = 0;
  for (const planId of await activePlanIds(trx)) {
    const plan = await getPlan(trx, planId);
    if (!plan || periodProblem(plan, period, today)) continue;
    const { briefing } = await issueBriefingIn(trx, null, plan, period, now);
    const title = `【督办通报】${briefingTitle(briefing.content)}`;
    const body = briefingMarkdown(briefing.content, `${baseUrl}/briefings?year=${plan.year}&issue=${briefing.id}`);
    channels += await enqueueMessage(
      trx,
      {
        event: "weekly_briefing",
        audience: "leaders",
        unitId: null,
        taskId: null,
        message: { title, body },
        dedupeKey: `weekly_briefing:${plan.id}:${period.key}`,
      },
      now,
      { inApp: true },
    );
    issued.push(`${plan.year}年第${briefing.number}期`);
  }
  if (!issued.length) return `${period.label}不在任何进行中的年度计划内，未出具通报`;
  return `出具督办通报${issued.join("、")}（推送${channels}条）`;
}

/** The runner of every job in SCHEDULED_JOBS. */
export const JOB_RUNNERS: Record<string, JobRunner> = {
  friday_reminder: fridayReminder,
  monday_digest: mondayDigest,
  weekly_briefing: weeklyBriefing,
};

/** The latest time the job was due at or before `now` (Asia/Shanghai), or null. */
export function latestSlot(time: JobTime, now: Date): Date | null {
  const cron = new Cron(cronPatternOf(time), { timezone: OFFICE_TIME_ZONE, paused: true });
  return cron.previousRuns(1, new Date(now.getTime() + 1))[0] ?? null;
}

export interface JobOutcome {
  name: string;
  slot: string;
  result: string;
}

/**
 * Runs every job whose latest slot has not been run yet (a missed slot is made up within
 * CATCH_UP_HOURS, older ones are recorded as missed). Safe to call from any number of
 * processes at once: each slot is taken by exactly one transaction.
 */
export async function runDueJobs(db: AppDatabase, now: Date = new Date()): Promise<JobOutcome[]> {
  const settings = await readSettings(db);
  const times = jobTimesOf(settings);
  const baseUrl = baseUrlOf(settings);
  const runs = new Map((await db.selectFrom("job_runs").select(["name", "last_slot"]).execute()).map((r) => [r.name, r.last_slot]));
  const outcomes: JobOutcome[] = [];
  for (const job of SCHEDULED_JOBS) {
    const runner = JOB_RUNNERS[job.name];
    const time = times[job.name];
    if (!runner || !time.enabled) continue;
    const slot = latestSlot(time, now);
    if (!slot) continue;
    const slotIso = slot.toISOString();
    const seen = runs.get(job.name);
    if (seen && seen >= slotIso) continue;
    const result = await db.transaction().execute(async (trx) => {
      await trx
        .insertInto("job_runs")
        .values({ name: job.name, last_slot: null, last_run_at: null, last_result: null })
        .onConflict((oc) => oc.column("name").doNothing())
        .execute();
      const row = await trx.selectFrom("job_runs").select("last_slot").where("name", "=", job.name).executeTakeFirstOrThrow();
      if (row.last_slot && row.last_slot >= slotIso) return null;
      const late = now.getTime() - slot.getTime() > CATCH_UP_HOURS * 3600_000;
      const text = late ? `已过时间超过${CATCH_UP_HOURS}小时，未补发` : await runner(trx, { slot, now, baseUrl });
      await trx
        .updateTable("job_runs")
        .set({ last_slot: slotIso, last_run_at: now.toISOString(), last_result: text })
        .where("name", "=", job.name)
        .execute();
      return text;
    });
    if (result != null) outcomes.push({ name: job.name, slot: slotIso, result });
  }
  if (outcomes.length) outboxWritten();
  return outcomes;
}
