// 明年工作思路 with tasks that have no owner (added with 快速添加 on the board, as leaders and other
// tests do): the page prefills their 责任领导 and 牵头单位 from the category's usual owner, marked 建议,
// and saving the page as it is succeeds; 开启下一年度 then gets a complete task for them.
import { beforeAll, describe, expect, it } from "vitest";
import type { OutlineRow } from "../../app/lib/summary/outline";
import * as boardRoute from "../../app/routes/board/route";
import * as outlineRoute from "../../app/routes/summary_.outline";
import { getDb } from "../../app/utils/db.server";
import { outlineFormAsPosted } from "./outline-form";
import { callAction, callLoader, cookieFor, makeRequest } from "./helpers";

let leader: string;

beforeAll(async () => {
  leader = await cookieFor("leader");
});

describe("明年工作思路 with tasks that have no owner", () => {
  it("prefills their owners as 建议 and saves the page as it is", async () => {
    const db = getDb();
    const plan = await db.selectFrom("plans").select("id").where("year", "=", 2025).executeTakeFirstOrThrow();
    for (const title of ["快速添加的任务甲", "快速添加的任务乙"]) {
      const added = await callAction(
        boardRoute.action,
        makeRequest("/board?year=2025", {
          cookie: leader,
          form: { intent: "quickAdd", planId: String(plan.id), status: "in_progress", title },
        }),
      );
      expect(added.status).toBe(302);
    }
    const added = await db
      .selectFrom("tasks")
      .select(["id", "category", "lead_user_id"])
      .where("title", "like", "快速添加的任务%")
      .execute();
    expect(added.map((t) => [t.category, t.lead_user_id])).toEqual([
      ["", null],
      ["", null],
    ]);

    const page = await callLoader(outlineRoute.loader, makeRequest("/summary/outline?year=2025", { cookie: leader }));
    const rows = page.data.rows as OutlineRow[];
    for (const task of added) {
      const row = rows.find((r) => r.fromTaskId === task.id)!;
      expect(row.include).toBe(true);
      expect(row.category).toBe("其他");
      expect(row.leadUserId).not.toBeNull();
      expect(row.leadUnitId).not.toBeNull();
      expect(row.suggested?.leadUserId?.basis).toBe("plan");
    }

    const saved = await callAction(
      outlineRoute.action,
      makeRequest("/summary/outline?year=2025", { cookie: leader, form: outlineFormAsPosted(rows, 0) }),
    );
    expect(saved.status).toBe(302);
    const outline = await db.selectFrom("next_year_outlines").select("content").executeTakeFirstOrThrow();
    const items = JSON.parse(outline.content).items as OutlineRow[];
    expect(items.filter((i) => added.some((t) => t.id === i.fromTaskId)).map((i) => i.category)).toEqual(["其他", "其他"]);
    expect(items.every((i) => i.leadUserId !== null && i.leadUnitId !== null && !("suggested" in i))).toBe(true);
  });
});
