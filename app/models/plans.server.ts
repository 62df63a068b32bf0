// The plan service: every read and write of the plans table. Finders (which plan a page shows
// when no year is asked for), the year list of the <YearPicker>, 督办灯 thresholds, the change
// counter the board's poll compares, and today's date key the pages compute for.
import type { Kysely, Transaction } from "kysely";
import type { Updateable } from "kysely";
import type { Database, Plan, PlansTable, PlanStatus } from "../../db/schema";
import { DEFAULT_LIGHT_THRESHOLDS, validateThresholds, type LightThresholds } from "~/lib/lights";
import { choosePlan, defaultPlanFor } from "~/lib/plan-year";
import { parsePlanYear } from "~/lib/row-id";
import { toDateKey } from "~/lib/weeks";
import { recordAudit } from "~/models/audit.server";
import { deferWrite } from "../../db/deferred-write";
import { preparedQuery } from "../../db/prepared-query";
import { conflict, notFound } from "~/lib/refusal";

type Db = Kysely<Database> | Transaction<Database>;

/** Today's date in Shanghai ("YYYY-MM-DD"), the day 督办灯 and 序时进度 are computed for. */
export function todayKey(now: Date = new Date()): string {
  return toDateKey(now);
}

/** A plan as the pages use it: its 督办灯 thresholds read and checked. */
export interface PlanInfo {
  id: number;
  year: number;
  title: string;
  organization: string;
  status: PlanStatus;
  version: number;
  /** The plan's change counter (plans.change_seq), bumped by every write the board shows. */
  changeSeq: number;
  thresholds: LightThresholds;
}

/** One entry of a year picker. */
export interface PlanYear {
  id: number;
  year: number;
  status: PlanStatus;
}

/** Stored thresholds, checked again on read; anything broken falls back to the defaults. */
export function planThresholds(stored: string | null): LightThresholds {
  if (!stored) return DEFAULT_LIGHT_THRESHOLDS;
  try {
    const result = validateThresholds(JSON.parse(stored));
    return result.ok ? result.thresholds : DEFAULT_LIGHT_THRESHOLDS;
  } catch {
    return DEFAULT_LIGHT_THRESHOLDS;
  }
}

export function toPlanInfo(plan: Plan): PlanInfo {
  return {
    id: plan.id,
    year: plan.year,
    title: plan.title,
    organization: plan.organization,
    status: plan.status,
    version: plan.version,
    changeSeq: plan.change_seq,
    thresholds: planThresholds(plan.light_thresholds),
  };
}

// ---------------------------------------------------------------- finders

export function listPlans(db: Db): Promise<Plan[]> {
  return db.selectFrom("plans").selectAll().orderBy("year", "desc").execute();
}

/** The years there are plans for, newest first (the <YearPicker>'s choices). */
export function listPlanYears(db: Db): Promise<PlanYear[]> {
  return db.selectFrom("plans").select(["id", "year", "status"]).orderBy("year", "desc").execute();
}

export async function findPlanByYear(db: Db, year: number): Promise<Plan | undefined> {
  return db.selectFrom("plans").selectAll().where("year", "=", year).executeTakeFirst();
}

export async function getPlan(db: Db, planId: number): Promise<PlanInfo | null> {
  const plan = await db.selectFrom("plans").selectAll().where("id", "=", planId).executeTakeFirst();
  return plan ? toPlanInfo(plan) : null;
}

/** The plan a page shows: the year asked for, else the default plan (lib/plan-year.ts). Null when there is none. */
export async function findPlan(db: Db, year: number | null, today: string): Promise<PlanInfo | null> {
  return (await findPlanAndYears(db, year, today)).plan;
}

/** findPlan for the year a page's URL asks for (`?year=`), else the default plan. */
export function findPlanOfUrl(db: Db, url: string | URL, today: string): Promise<PlanInfo | null> {
  return findPlan(db, parsePlanYear(new URL(url).searchParams.get("year")), today);
}

/** findPlan and listPlanYears from one read of the plans table (the board page needs both). */
export async function findPlanAndYears(db: Db, year: number | null, today: string): Promise<{ plan: PlanInfo | null; years: PlanYear[] }> {
  const plans = await listPlans(db);
  const plan = choosePlan(plans, year, today);
  return { plan: plan ? toPlanInfo(plan) : null, years: plans.map((p) => ({ id: p.id, year: p.year, status: p.status })) };
}

/** The plan a summary is written for: the year asked for, else the default plan (lib/plan-year.ts). */
export async function findSummaryPlan(db: Db, year: number | null, today: string = todayKey()): Promise<Plan | null> {
  if (year !== null) return (await findPlanByYear(db, year)) ?? null;
  return defaultPlanFor(await listPlans(db), today);
}

// ---------------------------------------------------------------- the change counter

/** The plan's change counter: the poll endpoint's whole answer. */
export async function getChangeSeq(db: Db, planId: number): Promise<number | null> {
  const row = await db.selectFrom("plans").select("change_seq").where("id", "=", planId).executeTakeFirst();
  return row ? row.change_seq : null;
}

/**
 * Call in the same transaction as any write that changes what the plan's board shows
 * (tasks, their units and metrics, updates, metric values). Returns the counter before and after.
 */
export async function bumpChangeSeq(trx: Db, planId: number): Promise<{ before: number; after: number }> {
  const row = await trx
    .updateTable("plans")
    .set((eb) => ({ change_seq: eb("change_seq", "+", 1) }))
    .where("id", "=", planId)
    .returning("change_seq")
    .executeTakeFirstOrThrow();
  return { before: row.change_seq - 1, after: row.change_seq };
}

/**
 * bumpChangeSeq when nothing needs the new value (or the transaction read the counter after it
 * began: write transactions run one at a time, so it is one more than that), sent with the
 * transaction's next statement or COMMIT (see db/deferred-write.ts).
 */
export async function deferChangeSeqBump(trx: Db, planId: number): Promise<void> {
  await deferWrite(trx, changeSeqBump.with(trx, { planId }));
}

const changeSeqBump = preparedQuery((db, { planId }: { planId: number }) =>
  db
    .updateTable("plans")
    .set((eb) => ({ change_seq: eb("change_seq", "+", 1) }))
    .where("id", "=", planId),
);

// ---------------------------------------------------------------- writes

export interface PlanInput {
  year: number;
  title: string;
  organization: string;
}

export async function createPlan(db: Kysely<Database>, actorId: number | null, input: PlanInput): Promise<Plan> {
  const now = new Date().toISOString();
  return db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom("plans").select("id").where("year", "=", input.year).executeTakeFirst();
    if (existing) conflict(`${input.year}年度计划已经存在，不能重复创建。`);
    const plan = await trx
      .insertInto("plans")
      .values({
        year: input.year,
        title: input.title,
        organization: input.organization,
        status: "active",
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, { actorId, action: "plan.create", entity: "plan", entityId: plan.id, after: plan });
    return plan;
  });
}

/**
 * A versioned change of the plan row, inside `trx`: 404 when the plan is gone, 409 when someone
 * saved first (the message and, for the form, what is current now); else the version goes up.
 */
async function updatePlan(
  trx: Transaction<Database>,
  planId: number,
  version: number,
  changes: Pick<Updateable<PlansTable>, "status" | "light_thresholds">,
  staleMessage: string,
  staleDetail?: (plan: Plan) => unknown,
): Promise<{ before: Plan; after: Plan }> {
  const before = await trx.selectFrom("plans").selectAll().where("id", "=", planId).executeTakeFirst();
  if (!before) notFound("没有找到该年度计划。");
  if (before.version !== version) conflict(staleMessage, staleDetail?.(before));
  const after = await trx
    .updateTable("plans")
    .set({ ...changes, updated_at: new Date().toISOString(), version: version + 1 })
    .where("id", "=", planId)
    .where("version", "=", version)
    .returningAll()
    .executeTakeFirstOrThrow();
  return { before, after };
}

export async function setPlanStatus(
  db: Kysely<Database>,
  actorId: number | null,
  planId: number,
  version: number,
  status: PlanStatus,
): Promise<Plan> {
  return db.transaction().execute(async (trx) => {
    const { before, after } = await updatePlan(trx, planId, version, { status }, "已被他人修改：该年度计划刚被其他人更新，请刷新后再试。");
    await recordAudit(trx, {
      actorId,
      action: status === "archived" ? "plan.archive" : "plan.reopen",
      entity: "plan",
      entityId: planId,
      before,
      after,
    });
    return after;
  });
}

export async function setPlanThresholds(
  db: Kysely<Database>,
  actorId: number,
  planId: number,
  version: number,
  thresholds: LightThresholds,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const { before } = await updatePlan(
      trx,
      planId,
      version,
      { light_thresholds: JSON.stringify(thresholds) },
      "已被他人修改：督办灯规则刚被其他人更新，请查看最新设置后再保存。",
      (plan) => ({ current: planThresholds(plan.light_thresholds) }),
    );
    await bumpChangeSeq(trx, planId);
    await recordAudit(trx, {
      actorId,
      action: "plan.thresholds",
      entity: "plan",
      entityId: planId,
      before: planThresholds(before.light_thresholds),
      after: thresholds,
    });
  });
}
