// Read-modify-write paths under concurrent requests, on whichever database the suite runs on
// (SQLite: one serialised connection; PostgreSQL: a pool, with write transactions serialised by
// an advisory lock). Each case would go wrong if two transactions interleaved.
import { generateNKeysBetween } from "fractional-indexing";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_LIGHT_THRESHOLDS } from "../../app/lib/lights";
import { moveTask } from "../../app/routes/board/move.server";
import type { Actor } from "../../app/utils/permissions";
import { getDb } from "../../app/utils/db.server";
import { setPlanThresholds } from "../../app/models/plans.server";
import { isRefusal } from "../../app/lib/refusal";

let leader: Actor;
let planId: number;

beforeAll(async () => {
  const db = getDb();
  const user = await db.selectFrom("users").select(["id", "role", "unit_id"]).where("username", "=", "leader").executeTakeFirstOrThrow();
  leader = { id: user.id, role: user.role, unitId: user.unit_id };
  planId = (await db.selectFrom("plans").select("id").where("year", "=", 2025).executeTakeFirstOrThrow()).id;
});

async function changeSeq(): Promise<number> {
  return (await getDb().selectFrom("plans").select("change_seq").where("id", "=", planId).executeTakeFirstOrThrow()).change_seq;
}

describe("concurrent writes", () => {
  it("twenty cards moved to the top of one column at once get twenty distinct places and counter values", async () => {
    const db = getDb();
    const now = new Date().toISOString();
    const keys = generateNKeysBetween(null, null, 20);
    const ids: number[] = [];
    for (const [i, position] of keys.entries()) {
      const row = await db
        .insertInto("tasks")
        .values({
          plan_id: planId,
          code: `并发-${i + 1}`,
          title: `并发移动 ${i + 1}`,
          origin: "manual",
          status: "not_started",
          position,
          created_at: now,
          updated_at: now,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      ids.push(row.id);
    }
    const before = await changeSeq();
    const results = await Promise.all(
      ids.map((taskId) => moveTask(db, leader, { taskId, toStatus: "in_progress", place: { kind: "top" }, reason: "" })),
    );
    expect(new Set(results.map((r) => r.position)).size).toBe(20);
    expect(results.map((r) => r.seqAfter).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => before + i + 1));
    expect(await changeSeq()).toBe(before + 20);
    const column = await db
      .selectFrom("tasks")
      .select(["id", "position"])
      .where("plan_id", "=", planId)
      .where("status", "=", "in_progress")
      .orderBy("position")
      .orderBy("id")
      .execute();
    expect(new Set(column.map((c) => c.position)).size).toBe(column.length);
    // Each later move went above the earlier ones: the last counter value is the top card.
    const last = results.reduce((a, b) => (b.seqAfter > a.seqAfter ? b : a));
    expect(column[0].position).toBe(last.position);
  });

  it("eight saves of the same 督办灯 version at once: exactly one wins, the others hear 已被他人修改", async () => {
    const db = getDb();
    const plan = await db.selectFrom("plans").select("version").where("id", "=", planId).executeTakeFirstOrThrow();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, () => setPlanThresholds(db, leader.id, planId, plan.version, DEFAULT_LIGHT_THRESHOLDS)),
    );
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    const refusals = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected");
    expect(refusals).toHaveLength(7);
    for (const refusal of refusals) {
      expect(isRefusal(refusal.reason)).toBe(true);
      expect(refusal.reason.status).toBe(409);
      expect(refusal.reason.message).toContain("已被他人修改");
    }
    expect((await db.selectFrom("plans").select("version").where("id", "=", planId).executeTakeFirstOrThrow()).version).toBe(
      plan.version + 1,
    );
  });
});
