import { describe, expect, it } from "vitest";
import { commitImport, findImportedDocument } from "../../app/routes/import/commit.server";
import { getDb } from "../../app/utils/db.server";
import { readFileSync } from "node:fs";

const seed = readFileSync(new URL("../../db/seed/pingdong-2024-summary.txt", import.meta.url), "utf8");

describe("the first start's demo plan", () => {
  it("imports the seed into the 2025 plan: 7 重点工作 and 3 存在问题 with units, dates and metrics", async () => {
    const db = getDb();
    const plan = await db.selectFrom("plans").selectAll().where("year", "=", 2025).executeTakeFirstOrThrow();
    const tasks = await db.selectFrom("tasks").selectAll().where("plan_id", "=", plan.id).orderBy("code").execute();
    expect(tasks.map((t) => t.code)).toEqual(Array.from({ length: 10 }, (_, i) => `2025-${String(i + 1).padStart(2, "0")}`));
    expect(tasks.filter((t) => t.origin === "key_work").map((t) => t.origin_ref)).toEqual([
      "四.1",
      "四.2",
      "四.3",
      "四.4",
      "四.5",
      "四.6",
      "四.7",
    ]);
    expect(tasks.filter((t) => t.origin === "problem").map((t) => t.origin_ref)).toEqual(["三.1", "三.2", "三.3"]);
    expect(tasks.find((t) => t.origin_ref === "四.5")!.description).toContain("防汛抗旱");
    expect(tasks.every((t) => t.due_date?.startsWith("2025-") && t.lead_user_id != null)).toBe(true);
    const leads = await db.selectFrom("task_units").select("task_id").where("role", "=", "lead").execute();
    expect(new Set(leads.map((l) => l.task_id)).size).toBe(10);

    const investment = await db
      .selectFrom("metrics")
      .selectAll()
      .where("plan_id", "=", plan.id)
      .where("task_id", "is", null)
      .where("name", "=", "固定资产投资")
      .executeTakeFirstOrThrow();
    // "累计完成2151万元…预计全年完成2400万元" in a summary of 10月31日: the full year (预计) is the baseline.
    expect(investment).toMatchObject({ baseline: 2400, unit: "万元", target: null });
    expect(investment.source_sentence).toContain("预计全年完成2400万元");
    const targeted = await db.selectFrom("metrics").selectAll().where("task_id", "is not", null).execute();
    expect(targeted.length).toBeGreaterThanOrEqual(3);
    expect(targeted.every((m) => m.target != null && m.baseline != null && m.target > m.baseline)).toBe(true);

    const document = await findImportedDocument(db, seed);
    expect(document?.year).toBe(2025);
    const stored = await db.selectFrom("source_documents").select("original_text").executeTakeFirstOrThrow();
    expect(stored.original_text).toBe(seed);
  });

  it("refuses to import the same document twice and writes nothing", async () => {
    const db = getDb();
    const plan = await db.selectFrom("plans").select("id").where("year", "=", 2025).executeTakeFirstOrThrow();
    const before = await db.selectFrom("tasks").select("id").execute();
    await expect(
      commitImport(db, null, {
        planId: plan.id,
        fileName: "again.txt",
        originalText: seed,
        parsedJson: "{}",
        tasks: [],
        metrics: [],
      }),
    ).rejects.toMatchObject({ status: 409 });
    expect(await db.selectFrom("tasks").select("id").execute()).toHaveLength(before.length);
  });

  it("rolls back every row when one insert fails", async () => {
    const db = getDb();
    const plan = await db.selectFrom("plans").select("id").where("year", "=", 2025).executeTakeFirstOrThrow();
    const counts = async () => ({
      tasks: (await db.selectFrom("tasks").select("id").execute()).length,
      docs: (await db.selectFrom("source_documents").select("id").execute()).length,
    });
    const before = await counts();
    const task = {
      origin: "key_work" as const,
      originRef: "四.1",
      title: "甲",
      description: "甲",
      category: "",
      sourceExcerpt: "甲",
      leadUnitId: null,
      supportUnitIds: [],
      leadUserId: null,
      startDate: null,
      dueDate: null,
      status: "not_started" as const,
      progress: 0,
      doneAt: null,
      metrics: [],
    };
    await expect(
      commitImport(db, null, {
        planId: plan.id,
        fileName: "broken.txt",
        originalText: "一份新的总结",
        parsedJson: "{}",
        // The second task names a unit that does not exist: the foreign key fails.
        tasks: [task, { ...task, originRef: "四.2", leadUnitId: 99999 }],
        metrics: [],
      }),
    ).rejects.toThrow(/FOREIGN KEY/i);
    expect(await counts()).toEqual(before);
  });
});

describe("live boards", () => {
  it("an import moves the plan's change counter, so open boards reload", async () => {
    const db = getDb();
    const plan = await db.selectFrom("plans").select(["id", "change_seq"]).where("year", "=", 2025).executeTakeFirstOrThrow();
    await commitImport(db, null, {
      planId: plan.id,
      fileName: "追加.txt",
      originalText: "四、重点工作安排\n1.新增一项工作。",
      parsedJson: "{}",
      tasks: [],
      metrics: [
        {
          name: "新指标",
          unit: "件",
          baseline: 1,
          target: null,
          direction: "up",
          aggregation: "sum",
          category: "",
          sourceRef: null,
          sourceSentence: null,
        },
      ],
    });
    const after = await db.selectFrom("plans").select("change_seq").where("id", "=", plan.id).executeTakeFirstOrThrow();
    expect(after.change_seq).toBe(plan.change_seq + 1);
  });
});
