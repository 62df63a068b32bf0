// The first start's demo story (never in production): the loop the product closes, told with
// the seed plan. Last year (the seed plan's year) is lived through week by week — each unit's own
// secretary reports, figures land near their targets, leaders urge, comment, 驳回 and 验收; most
// cards end 已销号 and two are unfinished. Its leaders write 明年工作思路, its summary is generated
// and 定稿, and this year's plan is started from it with 开启下一年度 (the app's own functions, in
// the caller's transaction). This year then has weeks of 填报 up to last week, mostly 绿灯, some
// 黄灯, one or two 红灯 with reasons, and one unit that has not reported this week.
// Deterministic: a seeded generator, dated from `today`; every 填报 is is_demo and 【演示数据】.
import type { Plan } from "../../db/schema";
import { daysBetween, previousWeek, weekKeyOf, weekRange, weeksBetween } from "~/lib/weeks";
import { recordAudit } from "~/models/audit.server";
import { startNextYearIn } from "~/routes/summary/next-year.server";
import { finalizeSummaryIn, generateSummaryIn } from "~/routes/summary/summary.server";

import {
  BLOCKERS,
  HOUR,
  addDaysKey,
  comment,
  inWeek,
  moveAudit,
  onDay,
  planTasks,
  progressCurve,
  remarkAndReply,
  seededRandom,
  setStatus,
  seriesMetrics,
  taskUnits,
  writeSeries,
  type DemoStoryInput,
  type DemoStoryResult,
  type DemoWriter,
  type StoryClock,
  type Trx,
} from "~/models/demo-series.server";
import { approvedExtension, pendingExtension, secretaryOr, writeOutline } from "~/models/demo-year-end.server";

async function liveLastYear(trx: Trx, input: DemoStoryInput, plan: Plan, writer: DemoWriter): Promise<number> {
  const { rand } = writer;
  const year = plan.year;
  const yearEndWeek = weekKeyOf(`${year}-12-28`);
  const tasks = await planTasks(trx, plan.id);
  // Two key-work cards due at year end stay unfinished (结转); one is 驳回 once, then 验收.
  const carried = tasks.filter((t) => t.origin === "key_work" && t.due_date?.endsWith("12-31")).slice(-2);
  const rejected = tasks.find((t) => t.origin === "key_work" && !carried.includes(t) && (t.due_date ?? "") <= `${year}-10-31`);
  // One mid-year card's unit asks for a month more, and a leader approves (经批准延期).
  const extended = tasks.find(
    (t) =>
      t.origin === "key_work" &&
      !carried.includes(t) &&
      t !== rejected &&
      (t.due_date ?? "") >= `${year}-05-31` &&
      (t.due_date ?? "") <= `${year}-10-31`,
  );
  const planStart = new Date(`${year}-01-01T00:00:00+08:00`).toISOString();
  await trx.updateTable("tasks").set({ created_at: planStart }).where("plan_id", "=", plan.id).execute();
  let written = 0;
  for (const [index, task] of tasks.entries()) {
    const start = task.start_date ?? `${year}-01-01`;
    const units = await taskUnits(trx, task.id);
    const due = task === extended ? await approvedExtension(trx, input, task, units.lead, writer) : (task.due_date ?? `${year}-12-31`);
    const isCarried = carried.includes(task);
    const doneDate = isCarried ? null : addDaysKey(due, -(2 + Math.floor(rand() * 8)));
    const applyDate = doneDate ? addDaysKey(doneDate, -(2 + Math.floor(rand() * 3))) : null;
    const lastWeek = applyDate ? weekKeyOf(applyDate) : yearEndWeek;
    const weeks = weeksBetween(weekKeyOf(start), lastWeek);
    const final = isCarried ? 62 + Math.floor(rand() * 20) : 100;
    const metrics = await seriesMetrics(trx, task.id, (target, i) => {
      // Most land above target, a few short; unfinished work clearly short.
      const factor = isCarried ? 0.72 + rand() * 0.12 : (index + i) % 4 === 2 ? 0.9 + rand() * 0.07 : 1.02 + rand() * 0.14;
      return target * factor;
    });
    written += await writeSeries(
      trx,
      task,
      units,
      {
        weeks,
        progress: progressCurve(weeks.length, final, rand),
        metrics,
        leadSkips: new Set(weeks.map((_, i) => i).filter((i) => i > 2 && i < weeks.length - 2 && rand() < 0.04)),
        blockerFrom: isCarried ? Math.max(0, weeks.length - 10 - index) : null,
        blocker: BLOCKERS[index % BLOCKERS.length],
        currentWeek: null,
      },
      writer,
    );
    await moveAudit(trx, input.leaderId, task.id, "not_started", "in_progress", inWeek(weeks[0], 0, 10));

    // A 催办 to a supporting unit in a busy month, and a leader's comment mid-year.
    if (units.support.length && index % 2 === 0) {
      const week = weeks[Math.floor(weeks.length / 2)];
      await comment(trx, {
        taskId: task.id,
        authorId: input.leaderId,
        kind: "urge",
        body: "本周还未收到贵单位的进展，请尽快填报。",
        at: inWeek(week, 4, 17),
        targetUnitId: units.support[0],
      });
    }
    if (index % 4 === 1) {
      const week = weeks[Math.floor(weeks.length / 3)];
      await remarkAndReply(
        trx,
        writer,
        { taskId: task.id, leadUnitId: units.lead, leaderId: input.leaderId, week, day: 2, hours: [10, 15] },
        "进度总体正常，请注意留存过程资料，年底验收要用。",
        "收到，已安排专人整理台账和照片资料。",
      );
    }

    if (isCarried) {
      await setStatus(trx, task, { status: "in_progress", progress: final, doneAt: null });
      continue;
    }
    const applyAt = onDay(applyDate!, 16);
    const doneAt = onDay(doneDate!, 10);
    if (task === rejected) {
      // 申请办结 → 驳回 (material missing) → one more week of work → 申请办结 → 验收.
      const firstApply = onDay(addDaysKey(applyDate!, -14), 16);
      const rejectAt = onDay(addDaysKey(applyDate!, -12), 10);
      const reason = "佐证材料不全：缺少整改前后对比照片和居民回访记录，请补充后重新申请办结。";
      await moveAudit(trx, secretaryOr(writer, units.lead), task.id, "in_progress", "pending_review", firstApply);
      await moveAudit(trx, input.leaderId, task.id, "pending_review", "in_progress", rejectAt, "reject", reason);
      await comment(trx, { taskId: task.id, authorId: input.leaderId, kind: "reject", body: reason, at: rejectAt });
    }
    await moveAudit(trx, secretaryOr(writer, units.lead), task.id, "in_progress", "pending_review", applyAt);
    await moveAudit(trx, input.leaderId, task.id, "pending_review", "done", doneAt, "verify");
    await comment(trx, { taskId: task.id, authorId: input.leaderId, kind: "verify", body: "验收通过，已销号。", at: doneAt });
    await setStatus(trx, task, { status: "done", progress: 100, doneAt });
  }
  return written;
}

type Fate = "green" | "yellow" | "red-lag" | "red-overdue" | "review" | "done";

/** This year: weeks of 填报 up to this week, lights spread, one unit silent this week. */
async function liveThisYear(trx: Trx, input: StoryClock, planId: number, writer: DemoWriter): Promise<number> {
  const { rand } = writer;
  const { today } = input;
  const year = Number(today.slice(0, 4));
  const tasks = await planTasks(trx, planId);
  // Set up when last year's summary was 定稿, before this year began: every week of it owes 填报.
  await trx.updateTable("tasks").set({ created_at: input.startedAt }).where("plan_id", "=", planId).execute();
  const thisWeek = weekKeyOf(today);
  const lastWeek = previousWeek(thisWeek);
  // Nobody has reported on a Monday yet; from Tuesday the lead units have (all but one).
  const reportThisWeek = daysBetween(toMonday(thisWeek), today) >= 1;
  const yearStart = `${year}-01-01`;

  // Fates: overdue work is done (one waits for 验收, one is late); open work is mostly on time.
  const fates = new Map<number, Fate>();
  const overdue = tasks.filter((t) => (t.due_date ?? `${year}-12-31`) < today);
  overdue.forEach((t, i) => fates.set(t.id, i === overdue.length - 1 ? "red-overdue" : "done"));
  const open = tasks.filter((t) => !fates.has(t.id));
  // The next due of the open work has been finished and waits for 验收.
  const soonest = [...open].sort((a, b) => (a.due_date ?? "").localeCompare(b.due_date ?? ""))[0];
  if (soonest && daysBetween(yearStart, today) > 60) fates.set(soonest.id, "review");
  const carriedFirst = [...open]
    .filter((t) => !fates.has(t.id))
    .sort((a, b) => Number(b.origin === "carried_over") - Number(a.origin === "carried_over"));
  // One card lags far behind (红灯, with its 困难问题), two are behind (黄灯), the rest on time.
  const yellows = carriedFirst.length >= 8 ? 2 : 1;
  carriedFirst.forEach((t, i) => fates.set(t.id, i < 1 ? "red-lag" : i < 1 + yellows ? "yellow" : "green"));

  // The unit that has not reported this week: the lead unit of a green card.
  const greenTasks = tasks.filter((t) => fates.get(t.id) === "green");
  const silentUnit = greenTasks.length ? (await taskUnits(trx, greenTasks[greenTasks.length - 1].id)).lead : null;

  // Every unit has open work this year (something in its 我的待办): a unit whose cards are all
  // finished helps with an open one.
  const openTasks = tasks.filter((t) => ["green", "yellow", "red-lag"].includes(fates.get(t.id)!));
  const openRoles = openTasks.length
    ? await trx
        .selectFrom("task_units")
        .select(["task_id", "unit_id", "role"])
        .where(
          "task_id",
          "in",
          openTasks.map((t) => t.id),
        )
        .execute()
    : [];
  // Supporting units report every few weeks and not yet this week: each unit helps on one open card.
  const busy = new Set(openRoles.filter((r) => r.role === "support").map((r) => r.unit_id));
  const units = await trx.selectFrom("units").select("id").where("active", "=", 1).orderBy("sort_order").execute();
  let helper = 0;
  for (const unit of units) {
    if (busy.has(unit.id)) continue;
    const candidates = openTasks.filter((t) => !openRoles.some((r) => r.task_id === t.id && r.unit_id === unit.id));
    const task = candidates[helper++ % Math.max(1, candidates.length)];
    if (!task) continue;
    await trx.insertInto("task_units").values({ task_id: task.id, unit_id: unit.id, role: "support" }).execute();
  }

  let written = 0;
  for (const [index, task] of tasks.entries()) {
    const fate = fates.get(task.id)!;
    const due = task.due_date ?? `${year}-12-31`;
    const units = await taskUnits(trx, task.id);
    const start = task.start_date ?? yearStart;
    const span = Math.max(1, daysBetween(start, due));
    const expected = Math.min(100, Math.max(0, Math.round((daysBetween(start, today) / span) * 100)));
    const doneDate = fate === "done" ? addDaysKey(due, -(2 + Math.floor(rand() * 6))) : null;
    const applyDate =
      fate === "done" ? addDaysKey(doneDate!, -2) : fate === "review" ? addDaysKey(today, -3 - Math.floor(rand() * 3)) : null;
    const lastReportWeek = applyDate
      ? weekKeyOf(applyDate) < thisWeek
        ? weekKeyOf(applyDate)
        : lastWeek
      : reportThisWeek
        ? thisWeek
        : lastWeek;
    let weeks = weekKeyOf(start) <= lastReportWeek ? weeksBetween(weekKeyOf(start), lastReportWeek) : [];
    // Too early in the year to lag far: weeks without any 填报 make the light (2 weeks: 红灯, 1: 黄灯).
    const early = expected < (fate === "red-lag" ? 45 : 25);
    if (early && fate === "red-lag") weeks = weeks.slice(0, Math.max(1, weeks.length - 3));
    if (early && fate === "yellow") weeks = weeks.slice(0, Math.max(1, weeks.length - 1));
    let final: number;
    const leadSkips = new Set<number>();
    let blockerFrom: number | null = null;
    switch (fate) {
      case "done":
      case "review":
        final = 100;
        break;
      case "red-overdue":
        final = 70 + Math.floor(rand() * 10);
        blockerFrom = Math.max(0, weeks.length - 6);
        break;
      case "red-lag":
        final = early ? Math.max(1, expected - 5) : expected - 36 - Math.floor(rand() * 8);
        blockerFrom = Math.max(0, weeks.length - 5);
        break;
      case "yellow":
        final = early ? Math.max(1, expected - 3) : expected - 15 - Math.floor(rand() * 8);
        blockerFrom = Math.max(0, weeks.length - 2);
        break;
      default:
        final = Math.min(98, Math.max(1, expected + Math.round(rand() * 10 - 5)));
    }
    if (reportThisWeek && units.lead === silentUnit && weeks.at(-1) === thisWeek) leadSkips.add(weeks.length - 1);
    // Figures follow the work: on time near the expected share of the target, behind when it lags.
    const metrics = await seriesMetrics(trx, task.id, (target) => target * (final / 100) * (0.95 + rand() * 0.12));
    written += await writeSeries(
      trx,
      task,
      units,
      {
        weeks,
        progress: progressCurve(weeks.length, Math.max(1, final), rand),
        metrics,
        leadSkips,
        blockerFrom,
        blocker: BLOCKERS[(index + 1) % BLOCKERS.length],
        currentWeek: reportThisWeek ? thisWeek : null,
      },
      writer,
    );
    if (weeks.length) await moveAudit(trx, secretaryOr(writer, units.lead), task.id, "not_started", "in_progress", inWeek(weeks[0], 1, 10));

    if (fate === "done") {
      const doneAt = onDay(doneDate!, 10);
      await moveAudit(trx, secretaryOr(writer, units.lead), task.id, "in_progress", "pending_review", onDay(applyDate!, 16));
      await moveAudit(trx, input.leaderId, task.id, "pending_review", "done", doneAt, "verify");
      await comment(trx, { taskId: task.id, authorId: input.leaderId, kind: "verify", body: "验收通过，已销号。", at: doneAt });
      await setStatus(trx, task, { status: "done", progress: 100, doneAt });
    } else if (fate === "review") {
      await moveAudit(trx, secretaryOr(writer, units.lead), task.id, "in_progress", "pending_review", onDay(applyDate!, 16));
      await setStatus(trx, task, { status: "pending_review", progress: 100, doneAt: null });
    } else {
      const progress = weeks.length ? Math.max(1, final) : 0;
      await setStatus(trx, task, { status: weeks.length ? "in_progress" : "not_started", progress, doneAt: null });
    }
    // Leaders urge the laggards and comment on the yellow ones.
    if ((fate === "red-lag" || fate === "red-overdue") && units.lead !== null && weeks.length > 1) {
      await comment(trx, {
        taskId: task.id,
        authorId: input.leaderId,
        kind: "urge",
        body: "进度明显滞后，请说明原因并提出赶进度的具体措施，本周内报送。",
        at: inWeek(weeks[Math.max(0, weeks.length - 2)], 0, 10),
        targetUnitId: units.lead,
      });
    }
    if (fate === "yellow" && weeks.length > 1) {
      const week = weeks[weeks.length - 2];
      await remarkAndReply(
        trx,
        writer,
        { taskId: task.id, leadUnitId: units.lead, leaderId: input.leaderId, week, day: 1, hours: [11, 16] },
        "请对照时间节点加快推进，有困难及时提出。",
        "已召开推进会重新排定节点，下周起每周报告一次进度。",
      );
    }
  }
  // The silent unit gets a 催办 for this week's 填报 (a Friday reminder when today is Monday).
  if (silentUnit !== null) {
    const task = greenTasks[greenTasks.length - 1];
    const at = reportThisWeek ? inWeek(thisWeek, Math.min(daysBetween(toMonday(thisWeek), today), 4), 9) : inWeek(lastWeek, 4, 16);
    await comment(trx, {
      taskId: task.id,
      authorId: input.leaderId,
      kind: "urge",
      body: "本周进展还未填报，请尽快填报。",
      at: at > writer.notAfter ? writer.notAfter : at,
      targetUnitId: silentUnit,
    });
  }
  // The late 红灯 card asks for more time: a 延期申请 waits for a leader.
  const late = tasks.find((t) => fates.get(t.id) === "red-overdue") ?? tasks.find((t) => fates.get(t.id) === "red-lag");
  if (late) await pendingExtension(trx, input, late, fates.get(late.id) === "red-overdue", writer);
  return written;
}

function toMonday(week: string): string {
  return new Date(weekRange(week).start.getTime() + 8 * HOUR).toISOString().slice(0, 10);
}

export async function writeDemoStory(trx: Trx, input: DemoStoryInput): Promise<DemoStoryResult> {
  const rand = seededRandom(Number(input.today.replace(/-/g, "")) ^ 0x5eed2025);
  const notAfter = input.now.toISOString();
  const writer: DemoWriter = { secretaryOf: input.secretaryOf, fallbackAuthorId: input.adminId, rand, notAfter };
  const lastPlan = await trx.selectFrom("plans").selectAll().where("id", "=", input.lastPlanId).executeTakeFirstOrThrow();
  const lastUpdates = await liveLastYear(trx, input, lastPlan, writer);

  // Year end: 明年工作思路, the summary generated and 定稿, and 开启下一年度 from it.
  const year = lastPlan.year;
  const outline = await writeOutline(trx, lastPlan, input, onDay(`${year}-12-22`, 10));
  const draft = await generateSummaryIn(trx, input.leaderId, lastPlan.id, 0, input.today, new Date(onDay(`${year}-12-26`, 10)));
  await finalizeSummaryIn(trx, input.leaderId, lastPlan.id, draft.version, new Date(onDay(`${year}-12-29`, 15)));
  const startedAt = onDay(`${year}-12-30`, 10);
  const started = await startNextYearIn(
    trx,
    input.leaderId,
    lastPlan.id,
    { planRefs: outline.map((_, i) => `四.${i + 1}`), problemRefs: [], carryTaskIds: [], includeUnreportedMetrics: false },
    new Date(startedAt),
  );
  await trx.updateTable("plans").set({ created_at: startedAt, updated_at: startedAt }).where("id", "=", started.planId).execute();
  const currentUpdates = await liveThisYear(trx, { ...input, startedAt }, started.planId, writer);
  await recordAudit(
    trx,
    {
      actorId: null,
      action: "demo.updates",
      entity: "plan",
      entityId: started.planId,
      after: { last: lastUpdates, current: currentUpdates },
    },
    input.now,
  );
  return { lastPlanId: lastPlan.id, currentPlanId: started.planId, updates: { last: lastUpdates, current: currentUpdates } };
}
