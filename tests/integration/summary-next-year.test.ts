// Issue 19 on the demo plan (2025): the draft reads as an official document (the Done-when
// checks), 明年工作思路 with 8 items makes section 四 and a complete 2026 plan, and the 2025
// cards it continues become 已结转. The round trip through the importer stays exact.
import { beforeAll, describe, expect, it } from "vitest";
import { parseSummary, readSummaryFile, toSummaryJson } from "../../app/lib/importer";
import { formatNumber } from "../../app/lib/metric-numbers";
import { measureKey } from "../../app/lib/summary/facts";
import type { OutlineRow } from "../../app/lib/summary/outline";
import { boardWordsIn } from "../../app/lib/summary/style";
import { toPlainText } from "../../app/lib/summary/text";
import { metricPhrase, writeSummary } from "../../app/lib/summary/writer";
import { loadSummaryInput } from "../../app/routes/summary/summary.server";
import * as boardRoute from "../../app/routes/board/route";
import * as exportRoute from "../../app/routes/summary_.export.$format";
import * as nextYearRoute from "../../app/routes/summary_.next-year";
import * as outlineRoute from "../../app/routes/summary_.outline";
import * as updateRoute from "../../app/routes/tasks.$taskId.update/route";
import * as summaryRoute from "../../app/routes/summary/route";
import { getDb } from "../../app/utils/db.server";
import { outlineFormAsPosted } from "./outline-form";
import { callAction, callLoader, cookieFor, makeRequest } from "./helpers";

let leader: string;

async function plan2025() {
  return getDb().selectFrom("plans").selectAll().where("year", "=", 2025).executeTakeFirstOrThrow();
}

async function exportText(): Promise<string> {
  const request = makeRequest("/summary/export/txt?year=2025", { cookie: leader });
  const response = (await exportRoute.loader({ request, params: { format: "txt" }, context: {} as never })) as Response;
  return new TextDecoder().decode(new Uint8Array(await response.arrayBuffer()));
}

async function latestVersion(): Promise<number> {
  const page = await callLoader(summaryRoute.loader, makeRequest("/summary?year=2025", { cookie: leader }));
  return page.data.latest?.version ?? 0;
}

async function generate() {
  const result = await callAction(
    summaryRoute.action,
    makeRequest("/summary?year=2025", {
      cookie: leader,
      form: { intent: "generate", year: "2025", expectedVersion: String(await latestVersion()) },
    }),
  );
  expect(result.status).toBe(302);
}

/** The outline form as the browser would send it for these rows. */
beforeAll(async () => {
  leader = await cookieFor("leader");
});

describe("the draft on the demo data reads as an official document", () => {
  it("meets the Done-when checks: no board words, one value per measure, no bare-noun figures, no 同比 against 1-10月", async () => {
    await generate();
    const text = await exportText();
    const input = await loadSummaryInput(getDb(), await plan2025());

    expect(boardWordsIn(text)).toEqual([]);
    for (const word of ["督办灯", "红灯", "黄灯", "绿灯", "序时进度"]) expect(text).not.toContain(word);

    // Each measure with one value wherever its name is followed by a figure.
    const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const values = new Map<string, Set<string>>();
    for (const m of input.metrics) {
      const pattern = new RegExp(`${escape(m.name.trim())}(\\d+(?:\\.\\d+)?)${escape(m.unit.trim())}`, "g");
      for (const match of text.matchAll(pattern)) {
        const key = measureKey(m.name, m.unit);
        values.set(key, new Set([...(values.get(key) ?? []), match[1]]));
      }
    }
    expect(values.size).toBeGreaterThan(5);
    for (const [key, seen] of values) expect([key, [...seen]]).toEqual([key, [...seen].slice(0, 1)]);
    // “三会一课”活动 is reported under two tasks (61 and 62 times): stated once.
    expect(text.match(/“三会一课”活动\d+次/g)).toHaveLength(1);

    // "全年<noun><number><unit>": the noun is always a verb phrase read from the figure's source sentence.
    const phrases = new Set(input.metrics.map(metricPhrase).filter((p): p is string => p !== null));
    const bare = [
      ...text.matchAll(/全年([^\d，。；、：“”]*?(?:“[^”]*”[^\d，。；、：]*)?)(\d+(?:\.\d+)?)(次|户|件|人|万元|份|个|场|家|栋)/gu),
    ].map((m) => m[1]);
    expect(bare.length).toBeGreaterThan(3);
    for (const noun of bare) expect(phrases, noun).toContain(noun);
    for (const m of input.metrics) {
      const phrase = metricPhrase(m);
      if (phrase && phrase !== m.name && m.sourceSentence)
        expect(m.sourceSentence.replace(/\s/g, "")).toContain(phrase.replace(m.name, "").slice(0, 2));
    }
    expect(text).toContain("全年开展“三会一课”活动62次");
    expect(text).toContain("全年检查商户3640次");

    // 固定资产投资: 同比 only against last year's full-year figure, never its 1-10月 running total.
    const investment = input.metrics.find((m) => m.name === "固定资产投资")!;
    const clause = text.split(/[；。\n]/).find((c) => c.includes("固定资产投资") && /\d/.test(c))!;
    expect(clause).toBeTruthy();
    if (investment.baselinePeriod !== "全年") expect(clause).not.toContain("同比");
    else expect(clause).toContain(investment.baseline === 2151 ? "never" : "同比");
    expect(text).not.toContain("同比增长12.4%");
  });
});

describe("明年工作思路 → section 四 → a complete 2026 plan", () => {
  it("prefills per category with this year's tasks (unfinished ones ticked), problems and blank rows", async () => {
    const page = await callLoader(outlineRoute.loader, makeRequest("/summary/outline?year=2025", { cookie: leader }));
    expect(page.status).toBe(200);
    const rows = page.data.rows as OutlineRow[];
    const open = (
      await getDb()
        .selectFrom("tasks")
        .select(["id", "status"])
        .where("plan_id", "=", (await plan2025()).id)
        .execute()
    ).filter((t) => t.status === "in_progress" || t.status === "not_started");
    expect(
      rows
        .filter((r) => r.include && r.kind === "continue")
        .map((r) => r.fromTaskId)
        .sort(),
    ).toEqual(open.map((t) => t.id).sort());
    expect(rows.some((r) => r.kind === "problem" && r.include)).toBe(true);
    expect(page.data.categories).toEqual(expect.arrayContaining(["党建", "经济", "民生保障"]));
    // Every category offers blank rows for new priorities.
    for (const category of page.data.categories as string[])
      expect(rows.filter((r) => r.category === category && !r.title).length).toBeGreaterThanOrEqual(2);
    // Continuing measures propose this year's actual as target and baseline.
    const withTargets = rows.find((r) => r.targets.length > 0)!;
    expect(withTargets.targets[0].target).toBe(withTargets.targets[0].baseline);
  });

  it("refuses an item without 责任领导 or a 完成时限 outside 2026, with field messages, saving nothing", async () => {
    const page = await callLoader(outlineRoute.loader, makeRequest("/summary/outline?year=2025", { cookie: leader }));
    const rows = (page.data.rows as OutlineRow[]).map((r) => ({ ...r }));
    const blank = rows.findIndex((r) => r.category === "民生保障" && !r.title);
    rows[blank] = { ...rows[blank], title: "推进社区养老服务站建设", leadUserId: null, leadUnitId: null, dueDate: "2025-12-31" };
    const refused = await callAction(
      outlineRoute.action,
      makeRequest("/summary/outline?year=2025", { cookie: leader, form: outlineFormAsPosted(rows, 0) }),
    );
    expect(refused.status).toBe(400);
    expect(refused.data.errors[`r${blank}.leadUserId`]).toBe("请选择责任领导。");
    expect(refused.data.errors[`r${blank}.leadUnitId`]).toBe("请选择牵头单位。");
    expect(refused.data.errors[`r${blank}.dueDate`]).toBe("完成时限应在2026年内。");
    expect(refused.data.rows[blank].title).toBe("推进社区养老服务站建设");
    expect(await getDb().selectFrom("next_year_outlines").select("id").execute()).toEqual([]);
  });

  it("saves 8 items; the regenerated draft's 四 is written from them; 开启2026年度 makes 8 complete tasks; continued cards become 已结转", async () => {
    const db = getDb();
    const page = await callLoader(outlineRoute.loader, makeRequest("/summary/outline?year=2025", { cookie: leader }));
    const rows = (page.data.rows as OutlineRow[]).map((r) => ({ ...r }));
    const leaderId = (await db.selectFrom("users").select("id").where("username", "=", "leader").executeTakeFirstOrThrow()).id;
    const unit = async (name: string) => (await db.selectFrom("units").select("id").where("name", "=", name).executeTakeFirstOrThrow()).id;
    const fill = async (category: string, title: string, unitName: string) => {
      const i = rows.findIndex((r) => r.category === category && !r.title);
      rows[i] = { ...rows[i], title, leadUserId: rows[i].leadUserId ?? leaderId, leadUnitId: rows[i].leadUnitId ?? (await unit(unitName)) };
    };
    // Two continuing tasks and the problems are ticked; tick two finished tasks that go on as routine work.
    for (const category of ["党建"]) {
      const i = rows.findIndex((r) => r.category === category && r.kind === "continue" && !r.include);
      rows[i] = { ...rows[i], include: true };
    }
    await fill("党建", "深化“红色物业”党建联建，建设党群服务站", "党建工作办公室");
    await fill("经济", "招引限上商贸企业，培育新的经济增长点", "经济发展办公室");
    await fill("民生保障", "推进社区养老服务站建设", "东晟社区");
    const included = () =>
      rows.filter((r) => r.include || (r.kind === "new" && r.fromTaskId === null && r.targets.length === 0 && r.title)).length;
    while (included() < 8) await fill("安全生产", `开展燃气安全专项整治（第${included()}项）`, "安全生产办公室");
    expect(included()).toBe(8);

    const saved = await callAction(
      outlineRoute.action,
      makeRequest("/summary/outline?year=2025", { cookie: leader, form: outlineFormAsPosted(rows, 0) }),
    );
    expect(saved.status).toBe(302);
    expect(saved.location).toBe("/summary/outline?year=2025&saved=1");
    // A stale form (version 0 again) is refused.
    const stale = await callAction(
      outlineRoute.action,
      makeRequest("/summary/outline?year=2025", { cookie: leader, form: outlineFormAsPosted(rows, 0) }),
    );
    expect(stale.status).toBe(409);

    // The page shows the saved items ticked, and the prefill it left out unticked.
    const again = await callLoader(outlineRoute.loader, makeRequest("/summary/outline?year=2025", { cookie: leader }));
    expect((again.data.rows as OutlineRow[]).filter((r) => r.include)).toHaveLength(8);

    await generate();
    const text = await exportText();
    const four = text
      .split("四、2026年重点工作安排")[1]
      .split("\n")
      .filter((l) => /^\d+\./.test(l));
    expect(four).toHaveLength(8);
    expect(four.join("\n")).toContain("推进社区养老服务站建设");
    expect(boardWordsIn(text)).toEqual([]);
    // 四's proposed targets start from the one value the draft states for each measure.
    expect(new Set(text.match(/“三会一课”活动\d+次/g))).toEqual(new Set(["“三会一课”活动62次"]));

    // Round trip: the export read back gives the same sections, items and figures.
    const plan = await plan2025();
    const written = writeSummary(await loadSummaryInput(db, plan));
    expect(text).toBe(toPlainText(written.document));
    const parsed = toSummaryJson(parseSummary(await readSummaryFile("总结.txt", new TextEncoder().encode(text))));
    expect(parsed.plan.map((p) => `${p.ref.replace("四.", "")}.${p.text}`)).toEqual(four);
    const key = (f: { ref: string | null; value: number; unit: string }) => `${f.ref ?? ""}|${f.value}|${f.unit}`;
    expect(parsed.metrics.map(key).sort()).toEqual(written.figures.map(key).sort());

    // 定稿, then 开启2026年度 with every item.
    const finalized = await callAction(
      summaryRoute.action,
      makeRequest("/summary?year=2025", {
        cookie: leader,
        form: { intent: "finalize", year: "2025", expectedLatest: String(await latestVersion()) },
      }),
    );
    expect(finalized.status).toBe(302);
    const preview = (await callLoader(nextYearRoute.loader, makeRequest("/summary/next-year?year=2025", { cookie: leader }))).data.preview;
    expect(preview.blocked).toBeNull();
    expect(preview.fromOutline).toBe(true);
    expect(preview.planItems).toHaveLength(8);
    expect(preview.problems).toEqual([]);
    const started = await callAction(
      nextYearRoute.action,
      makeRequest("/summary/next-year", {
        cookie: leader,
        form: { year: "2025", planRef: preview.planItems.map((i: { ref: string }) => i.ref) },
      }),
    );
    expect(started.status).toBe(302);

    const plan2026 = await db.selectFrom("plans").selectAll().where("year", "=", 2026).executeTakeFirstOrThrow();
    const tasks = await db.selectFrom("tasks").selectAll().where("plan_id", "=", plan2026.id).execute();
    expect(tasks.length).toBeGreaterThanOrEqual(8);
    const leads = await db
      .selectFrom("task_units")
      .selectAll()
      .where("role", "=", "lead")
      .where(
        "task_id",
        "in",
        tasks.map((t) => t.id),
      )
      .execute();
    for (const task of tasks) {
      expect(task.category, task.title).not.toBe("");
      expect(task.lead_user_id, task.title).not.toBeNull();
      expect(
        leads.some((l) => l.task_id === task.id),
        task.title,
      ).toBe(true);
      expect(task.due_date, task.title).toMatch(/^2026-/);
    }
    const metrics = await db.selectFrom("metrics").selectAll().where("plan_id", "=", plan2026.id).execute();
    expect(metrics.length).toBeGreaterThan(0);
    expect(metrics.filter((m) => m.task_id === null)).toEqual([]);
    const input2025 = await loadSummaryInput(db, plan);
    for (const m of metrics) {
      expect(m.target, m.name).not.toBeNull();
      expect(m.baseline_period).toBe("全年");
      expect(
        input2025.metrics.some((old) => old.name === m.name && old.actual === m.baseline),
        m.name,
      ).toBe(true);
    }

    // The continued 2025 cards are 已结转: linked to their successor, out of the columns and the light counts.
    const old = await db.selectFrom("tasks").selectAll().where("plan_id", "=", plan.id).execute();
    const carried = old.filter((t) => t.carried_to_task_id !== null);
    expect(carried.length).toBeGreaterThanOrEqual(2);
    for (const t of carried) expect(tasks.find((n) => n.id === t.carried_to_task_id)!.carried_from_task_id).toBe(t.id);
    const board = await callLoader(boardRoute.loader, makeRequest("/board?year=2025", { cookie: leader }));
    const data = board.data.board ?? board.data;
    expect(data.carried.map((c: { id: number }) => c.id).sort()).toEqual(carried.map((t) => t.id).sort());
    expect(data.cards.map((c: { id: number }) => c.id)).not.toEqual(expect.arrayContaining([carried[0].id]));
    expect(data.total).toBe(old.length - carried.length);

    // A 已结转 card is finished business in 2025: no moves, no 填报 there (they belong to its successor).
    const moveCarried = await callAction(
      boardRoute.action,
      makeRequest("/board?year=2025", {
        cookie: leader,
        form: { intent: "move", taskId: String(carried[0].id), toStatus: "pending_review", beforeId: "", afterId: "", reason: "" },
      }),
    );
    expect(moveCarried.status).toBe(400);
    expect(JSON.stringify(moveCarried.data)).toContain("已结转");
    expect((await db.selectFrom("tasks").select("status").where("id", "=", carried[0].id).executeTakeFirstOrThrow()).status).toBe(
      carried[0].status,
    );
    const updateForm = await callLoader(updateRoute.loader, makeRequest(`/tasks/${carried[0].id}/update`, { cookie: leader }), {
      params: { taskId: String(carried[0].id) },
    });
    expect(updateForm.data.form.readOnlyReason).toContain("已结转到2026年度");
    const lights = data.lights as Record<string, number>;
    expect(Object.values(lights).reduce((a, b) => a + b, 0)).toBe(old.length - carried.length);
    // Once 2026 exists, the outline is closed.
    const closed = await callAction(
      outlineRoute.action,
      makeRequest("/summary/outline?year=2025", { cookie: leader, form: outlineFormAsPosted(rows, 1) }),
    );
    expect(closed.status).toBe(409);
    void formatNumber;
  });
});
