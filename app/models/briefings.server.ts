// 督办通报: the data of a period as the plan stood at its end, and the issued 通报 with their
// numbers. Issuing a period is one transaction: an already issued period gives back its own
// issue (same number, same text); a new one takes the next number of the plan's year.
// The Monday schedule (issue 21b) calls issueBriefing for last week and pushes
// briefingMarkdown(content) to the channels.
import type { InferResult, Kysely, Transaction } from "kysely";
import type { Database } from "../../db/schema";
import {
  buildBriefing,
  briefingTitle,
  type BriefingContent,
  type BriefingInput,
  type BriefingMissedReport,
  type BriefingPeriod,
  type BriefingTaskInput,
  type PeriodKind,
} from "~/lib/briefing";
import type { TaskStatus } from "~/lib/domain";
import { badRequest, notFound } from "~/lib/refusal";
import { toDateKey, weekKeyOf, weekRange } from "~/lib/weeks";
import type { Actor } from "~/utils/permissions";
import { recordAudit } from "~/models/audit.server";
import { pickLatestUpdates } from "~/routes/board/cards.server";
import { type PlanInfo } from "~/models/plans.server";
import { leadUnitName, selectTasksWithLeader } from "~/models/task-queries.server";
import { weekCells } from "~/models/reports.server";
import { issuerOf } from "~/routes/summary/summary.server";
import { userName } from "~/models/names.server";
import { selectApprovedExtensions } from "~/models/extensions.server";

type Db = Kysely<Database> | Transaction<Database>;

/** Midnight (Shanghai) starting a day, as an ISO instant. */
function dayStartIso(day: string): string {
  return new Date(`${day}T00:00:00+08:00`).toISOString();
}

function dayAfter(day: string): string {
  const [y, m, d] = day.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/** The ISO weeks a period answers for: the week itself, or the weeks whose Sunday falls in the month. */
export function periodWeeks(period: BriefingPeriod): string[] {
  if (period.kind === "week") return [period.key];
  const weeks: string[] = [];
  for (let day = period.start; day <= period.end; day = dayAfter(day)) {
    const week = weekKeyOf(day);
    const sunday = toDateKey(new Date(weekRange(week).end.getTime() - 1));
    if (sunday >= period.start && sunday <= period.end && !weeks.includes(week)) weeks.push(week);
  }
  return weeks;
}

/**
 * Everything the 通报 of a period needs, as the plan stood at the period's end: tasks created by
 * then (not 已结转), each with its status, 完成时限 (before any extension approved later) and
 * progress and last 填报 week as of that day; extensions approved in the period; the 填报 owed
 * in the period's weeks that did not come in their week.
 */
export async function loadBriefingInput(
  db: Db,
  plan: PlanInfo,
  period: BriefingPeriod,
  issue: { number: number; issueDate: string },
  now: Date,
): Promise<BriefingInput> {
  const endInstant = dayStartIso(dayAfter(period.end));
  const startInstant = dayStartIso(period.start);
  const tasks = await selectTasksWithLeader(db)
    .select((eb) => ["tasks.progress", "tasks.done_at", "tasks.created_at", leadUnitName(eb)])
    .where("tasks.plan_id", "=", plan.id)
    .where("tasks.carried_to_task_id", "is", null)
    .where("tasks.created_at", "<", endInstant)
    .orderBy("tasks.code")
    .execute();
  const taskIds = tasks.map((t) => t.id);
  const ids = taskIds.length ? taskIds : [-1];

  // The 完成时限 as of the period's end: an extension approved after it had not happened yet.
  const laterApprovals = await db
    .selectFrom("task_extensions")
    .select(["task_id", "old_due_date", "decided_at"])
    .where("task_id", "in", ids)
    .where("status", "=", "approved")
    .where("decided_at", ">=", endInstant)
    .orderBy("decided_at")
    .orderBy("id")
    .execute();
  const dueThen = new Map<number, string | null>();
  for (const row of laterApprovals) if (!dueThen.has(row.task_id)) dueThen.set(row.task_id, row.old_due_date);

  // Progress and last 填报 week as of the period's end (the board's rule: the latest week, saved last).
  const endWeek = weekKeyOf(period.end);
  const updates = await db
    .selectFrom("updates")
    .select(["task_id", "week", "progress", "updated_at"])
    .where("task_id", "in", ids)
    .where("week", "<=", endWeek)
    .execute();
  const latestWeek = new Map<number, string>();
  for (const u of updates) if (u.week > (latestWeek.get(u.task_id) ?? "")) latestWeek.set(u.task_id, u.week);
  const latest = pickLatestUpdates(updates.filter((u) => u.week === latestWeek.get(u.task_id)));
  const everUpdated = new Set(
    (await db.selectFrom("updates").select("task_id").distinct().where("task_id", "in", ids).execute()).map((r) => r.task_id),
  );

  const taskInputs: BriefingTaskInput[] = tasks.map((t) => {
    const doneDate = t.done_at ? toDateKey(t.done_at) : null;
    // 销号 after the period's end: still open then (the nearest open column is 推进中).
    const status: TaskStatus = t.status === "done" && (!doneDate || doneDate > period.end) ? "in_progress" : t.status;
    const update = latest.get(t.id);
    return {
      id: t.id,
      code: t.code,
      title: t.title,
      leadUnit: t.lead_unit,
      leadUser: t.leader,
      status,
      startDate: t.start_date,
      dueDate: dueThen.has(t.id) ? dueThen.get(t.id)! : t.due_date,
      progress: update ? update.progress : everUpdated.has(t.id) ? 0 : t.progress,
      lastUpdateWeek: update ? update.week : null,
      createdAt: t.created_at,
      doneDate: status === "done" ? doneDate : null,
    };
  });

  const approvals = await selectApprovedExtensions(db, plan.id)
    .select((eb) => [
      "tasks.id",
      "tasks.code",
      "tasks.title",
      leadUnitName(eb),
      "task_extensions.old_due_date",
      "task_extensions.requested_due_date",
      "task_extensions.decided_at",
    ])
    .where("task_extensions.decided_at", ">=", startInstant)
    .where("task_extensions.decided_at", "<", endInstant)
    .execute();

  const unitNames = new Map((await db.selectFrom("units").select(["id", "name"]).execute()).map((u) => [u.id, u.name]));
  const taskById = new Map(tasks.map((t) => [t.id, t]));
  let expectedReports = 0;
  const missedReports: BriefingMissedReport[] = [];
  for (const week of periodWeeks(period)) {
    for (const row of await weekCells(db as Kysely<Database>, [plan.id], week, now)) {
      if (!taskById.has(row.taskId)) continue;
      for (const cell of row.cells) {
        expectedReports += 1;
        if (cell.status === "reported") continue;
        missedReports.push({
          unit: unitNames.get(cell.unitId) ?? "",
          code: row.code,
          title: row.title,
          week,
          late: cell.status === "late",
        });
      }
    }
  }

  return {
    organization: plan.organization,
    issuer: issuerOf(plan.organization),
    year: plan.year,
    number: issue.number,
    period,
    issueDate: issue.issueDate,
    planStart: `${plan.year}-01-01`,
    thresholds: plan.thresholds,
    tasks: taskInputs,
    extensions: approvals.map((a) => ({
      taskId: a.id,
      code: a.code,
      title: a.title,
      leadUnit: a.lead_unit,
      oldDueDate: a.old_due_date,
      newDueDate: a.requested_due_date,
      approvedOn: toDateKey(a.decided_at!),
    })),
    expectedReports,
    missedReports,
  };
}

export interface IssuedBriefing {
  id: number;
  number: number;
  kind: PeriodKind;
  periodKey: string;
  issuedAt: string;
  issuedBy: string | null;
  content: BriefingContent;
}

/** Why a period cannot have a 通报 of the plan yet; null when it can. */
export function periodProblem(plan: Pick<PlanInfo, "year">, period: BriefingPeriod, today: string): string | null {
  if (period.end >= today)
    return period.kind === "week" ? "这一周还没有结束，结束后才能出具通报。" : "这个月还没有结束，结束后才能出具通报。";
  if (period.end < `${plan.year}-01-01` || period.start > `${plan.year}-12-31`) return `所选期间不在${plan.year}年度计划之内。`;
  return null;
}

function parseContent(text: string): BriefingContent {
  return JSON.parse(text) as BriefingContent;
}

type IssueArgs = [actor: Actor | null, plan: PlanInfo, period: BriefingPeriod, now?: Date, options?: { regenerate?: boolean }];
type IssueResult = { briefing: IssuedBriefing; created: boolean };

/**
 * Issues the 通报 of a period (or gives back the one already issued for it: same number, same
 * text). `regenerate` rebuilds an issued one from today's data, keeping its number. `actor` is
 * null when the schedule issues it (Monday: `finishedPeriods("week", today, 1)[0]`).
 */
export async function issueBriefing(
  db: Kysely<Database>,
  ...[actor, plan, period, now = new Date(), options = {}]: IssueArgs
): Promise<IssueResult> {
  const problem = periodProblem(plan, period, toDateKey(now));
  if (problem) badRequest(problem);
  return db.transaction().execute((trx) => issueBriefingIn(trx, actor, plan, period, now, options));
}

/** issueBriefing inside a caller's transaction (the Monday schedule issues it with its messages). */
export async function issueBriefingIn(
  trx: Transaction<Database>,
  ...[actor, plan, period, now = new Date(), { regenerate = false } = {}]: IssueArgs
): Promise<IssueResult> {
  const existing = await trx
    .selectFrom("briefings")
    .select(["id", "number"])
    .where("plan_id", "=", plan.id)
    .where("period_kind", "=", period.kind)
    .where("period_key", "=", period.key)
    .executeTakeFirst();
  if (existing && !regenerate) return { briefing: (await getBriefing(trx, existing.id))!, created: false };
  const number = existing
    ? existing.number
    : Number(
        (
          await trx
            .selectFrom("briefings")
            .select((eb) => eb.fn.max("number").as("n"))
            .where("plan_id", "=", plan.id)
            .executeTakeFirst()
        )?.n ?? 0,
      ) + 1;
  const input = await loadBriefingInput(trx, plan, period, { number, issueDate: toDateKey(now) }, now);
  const content = buildBriefing(input);
  const at = now.toISOString();
  let id: number;
  if (existing) {
    await trx
      .updateTable("briefings")
      .set({ content: JSON.stringify(content), updated_at: at })
      .where("id", "=", existing.id)
      .execute();
    id = existing.id;
  } else {
    id = (
      await trx
        .insertInto("briefings")
        .values({
          plan_id: plan.id,
          number,
          period_kind: period.kind,
          period_key: period.key,
          period_start: period.start,
          period_end: period.end,
          content: JSON.stringify(content),
          issued_by: actor?.id ?? null,
          issued_at: at,
          updated_at: at,
        })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
  }
  await recordAudit(
    trx,
    {
      actorId: actor?.id ?? null,
      action: existing ? "briefing.regenerate" : "briefing.issue",
      entity: "briefing",
      entityId: id,
      after: { title: briefingTitle(content), period: period.label, red: content.totals.red, yellow: content.totals.yellow },
    },
    now,
  );
  return { briefing: (await getBriefing(trx, id))!, created: !existing };
}

/** Issued 通报 as stored, with the issuer's name; `toIssuedBriefing` reads a row. */
function selectBriefings(db: Db) {
  return db
    .selectFrom("briefings")
    .selectAll("briefings")
    .select((eb) => userName(eb, "briefings.issued_by").as("display_name"));
}

function toIssuedBriefing(row: InferResult<ReturnType<typeof selectBriefings>>[number]): IssuedBriefing {
  return {
    id: row.id,
    number: row.number,
    kind: row.period_kind,
    periodKey: row.period_key,
    issuedAt: row.issued_at,
    issuedBy: row.display_name,
    content: parseContent(row.content),
  };
}

export async function getBriefing(db: Db, id: number): Promise<IssuedBriefing | null> {
  const row = await selectBriefings(db).where("briefings.id", "=", id).executeTakeFirst();
  return row ? toIssuedBriefing(row) : null;
}

export async function requireBriefing(db: Db, id: number): Promise<IssuedBriefing> {
  return (await getBriefing(db, id)) ?? notFound("没有找到这期督办通报。");
}

/** A plan's issued 通报, newest number first. */
export async function listBriefings(db: Db, planId: number): Promise<IssuedBriefing[]> {
  const rows = await selectBriefings(db).where("briefings.plan_id", "=", planId).orderBy("briefings.number", "desc").execute();
  return rows.map(toIssuedBriefing);
}
