import type { AppDatabase } from "../../db/index";
import type { Plan, PlanStatus } from "../../db/schema";
import { conflict, notFound } from "../utils/http.server";
import { recordAudit } from "./audit.server";

export function listPlans(db: AppDatabase): Promise<Plan[]> {
  return db.selectFrom("plans").selectAll().orderBy("year", "desc").execute();
}

export function findPlanByYear(db: AppDatabase, year: number): Promise<Plan | undefined> {
  return db.selectFrom("plans").selectAll().where("year", "=", year).executeTakeFirst();
}

export interface PlanInput {
  year: number;
  title: string;
  organization: string;
}

export async function createPlan(db: AppDatabase, actorId: number | null, input: PlanInput): Promise<Plan> {
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

export async function setPlanStatus(
  db: AppDatabase,
  actorId: number | null,
  planId: number,
  version: number,
  status: PlanStatus,
): Promise<Plan> {
  const now = new Date().toISOString();
  return db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom("plans").selectAll().where("id", "=", planId).executeTakeFirst();
    if (!before) notFound("没有找到该年度计划。");
    if (before!.version !== version) conflict("已被他人修改：该年度计划刚被其他人更新，请刷新后再试。");
    const after = await trx
      .updateTable("plans")
      .set({ status, updated_at: now, version: version + 1 })
      .where("id", "=", planId)
      .where("version", "=", version)
      .returningAll()
      .executeTakeFirstOrThrow();
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
