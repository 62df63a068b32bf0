// The year-end summary on the seed-based demo plan (2025): generate, edit per section with the
// version check, versions, export, the round trip through the importer, and starting 2026.
import mammoth from "mammoth";
import { beforeAll, describe, expect, it } from "vitest";
import { parseSummary, readSummaryFile, toSummaryJson, type SummaryJson } from "../../app/lib/importer";
import { formatNumber } from "../../app/lib/metric-numbers";
import { toPlainText } from "../../app/lib/summary/text";
import { writeSummary } from "../../app/lib/summary/writer";
import { loadSummaryInput } from "../../app/routes/summary/summary.server";
import * as exportRoute from "../../app/routes/summary_.export.$format";
import * as nextYearRoute from "../../app/routes/summary_.next-year";
import * as summaryRoute from "../../app/routes/summary/route";
import { getDb } from "../../app/utils/db.server";
import { callAction, callLoader, cookieFor, makeRequest, ORIGIN } from "./helpers";
import { answerOf } from "../../app/utils/http.server";

let leader: string;
let admin: string;
let viewer: string;
let secretary: string;

/**
 * The demo plan already holds a year of 填报 for its tasks' metrics (first start). Add figures
 * for two plan-level metrics nobody reports in the demo, and one more 困难问题.
 */
async function reportTheYear() {
  const db = getDb();
  const plan = await db.selectFrom("plans").select("id").where("year", "=", 2025).executeTakeFirstOrThrow();
  const metrics = await db.selectFrom("metrics").select(["id", "name", "task_id"]).where("plan_id", "=", plan.id).execute();
  const leaderId = (await db.selectFrom("users").select("id").where("username", "=", "leader").executeTakeFirstOrThrow()).id;
  const planLevel = (name: string) => metrics.find((m) => m.name === name && m.task_id === null)!;
  const now = new Date().toISOString();
  const values: [number, number, string, number][] = [
    [planLevel("失业率").id, 11, "2025-W48", 3.9], // a cap metric (控制在4.5%以内)
    [planLevel("集中培训班").id, 6, "2025-W10", 2],
  ];
  for (const [metricId, unitId, week, value] of values) {
    await db
      .insertInto("metric_values")
      .values({ metric_id: metricId, unit_id: unitId, week, value, reported_by: leaderId, reported_at: now })
      .execute();
  }
  const task5 = await db.selectFrom("tasks").select("id").where("code", "=", "2025-05").executeTakeFirstOrThrow();
  const blocker = "部分老旧小区无物业，联合执法人手不足";
  await db
    .insertInto("updates")
    .values({
      task_id: task5.id,
      unit_id: 2,
      author_id: leaderId,
      week: "2025-W51",
      body: "开展联合执法",
      progress: 80,
      blockers: blocker,
      needs_coordination: 1,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.columns(["task_id", "unit_id", "week"]).doUpdateSet({ blockers: blocker, needs_coordination: 1 }))
    .execute();
}

/** This year's actual of each metric, by the KPI rule, as the summary reads it. */
async function actuals() {
  const db = getDb();
  const plan = await db.selectFrom("plans").selectAll().where("year", "=", 2025).executeTakeFirstOrThrow();
  return (await loadSummaryInput(db, plan)).metrics;
}

const summaryUrl = (query = "year=2025") => `/summary?${query}`;

async function post(cookie: string, form: Record<string, string | string[]>, path = summaryUrl()) {
  return callAction(summaryRoute.action, makeRequest(path, { cookie, form }));
}

async function loadPage(cookie: string, query = "year=2025") {
  return callLoader(summaryRoute.loader, makeRequest(summaryUrl(query), { cookie }));
}

async function exportFile(cookie: string, format: string, query = "year=2025") {
  const request = makeRequest(`/summary/export/${format}?${query}`, { cookie });
  try {
    return (await exportRoute.loader({ request, params: { format }, context: {} as never })) as Response;
  } catch (thrown) {
    return { status: answerOf(thrown)?.status };
  }
}

async function count(table: "tasks" | "metrics" | "plans" | "summaries" | "source_documents") {
  return (await getDb().selectFrom(table).select("id").execute()).length;
}

beforeAll(async () => {
  leader = await cookieFor("leader");
  admin = await cookieFor("admin");
  viewer = await cookieFor("viewer");
  secretary = await cookieFor("secretary");
  await reportTheYear();
});

describe("the summary page", () => {
  it("shows an empty state until a leader generates the draft; viewers and secretaries read only", async () => {
    const page = await loadPage(viewer);
    expect(page.status).toBe(200);
    expect(page.data.plan.year).toBe(2025);
    expect(page.data.latest).toBeNull();
    expect(page.data.canEdit).toBe(false);
    for (const cookie of [viewer, secretary]) {
      const refused = await post(cookie, { intent: "generate", year: "2025", expectedVersion: "0" });
      expect(refused.status).toBe(403);
    }
    expect(await count("summaries")).toBe(0);
  });

  it("refuses forged intents and bad input with a 400, writing nothing", async () => {
    expect((await post(leader, { intent: "drop", year: "2025" })).status).toBe(400);
    expect((await post(leader, { intent: "generate", year: "abc", expectedVersion: "0" })).status).toBe(400);
    expect((await post(leader, { intent: "generate", year: "1999", expectedVersion: "0" })).status).toBe(400);
    expect((await post(leader, { intent: "generate", year: "2031", expectedVersion: "0" })).status).toBe(404);
    expect(await count("summaries")).toBe(0);
  });

  it("generates version 1 from the demo plan's data, in the seed's structure", async () => {
    const generated = await post(leader, { intent: "generate", year: "2025", expectedVersion: "0" });
    expect(generated.status).toBe(302);
    const page = await loadPage(viewer);
    expect(page.data.latest.version).toBe(1);
    expect(page.data.latest.status).toBe("draft");
    expect(page.data.latest.authorName).toBe("刘主任");
    const sections = page.data.latest.document.sections as { key: string; heading: string; body: string }[];
    expect(sections.map((s) => s.key)).toEqual(["title", "opening", "highlights", "work", "problems", "plan", "signature"]);
    expect(sections[0].body).toBe("平东街道2025年工作总结");
    expect(sections.find((s) => s.key === "signature")!.body).toBe("平东街道办事处\n2025年12月31日");
    const work = sections.find((s) => s.key === "work")!.body;
    // The cap metric reported above, under the work area its imported heading belongs to.
    expect(work).toMatch(/\n（[一二三四五六七八九十]+）民生保障工作\n主要指标完成情况：失业率为3.9%/);
    // 同比 against last year's full-year figure; none against 失业率's 1-11月 figure.
    expect(work).toContain("全年开展集中培训班2次，同比增长100.0%");
    expect(work).toMatch(/失业率为3.9%[；。]/);
    // Every reported measure appears once, with the one value the KPI page computes (the most
    // complete report when two tasks report it).
    const text = sections.map((s) => s.body).join("\n");
    const reported = (await actuals()).filter((m) => m.actual !== null && m.taskId !== null);
    expect(reported.length).toBeGreaterThan(3);
    for (const m of reported) {
      const best = Math.max(...reported.filter((o) => o.name === m.name && o.unit === m.unit).map((o) => o.actual!));
      const figure = formatNumber(best, m.unit);
      expect(
        [`${m.name}${figure}`, `${m.name}共计${figure}`, `${m.name}为${figure}`].some((t) => text.includes(t)),
        `${m.name} ${figure}`,
      ).toBe(true);
    }
    const problems = sections.find((s) => s.key === "problems")!.body;
    expect(problems).toContain("部分老旧小区无物业，联合执法人手不足");
    // A stale "generate" (someone else generated meanwhile) is refused.
    expect((await post(admin, { intent: "generate", year: "2025", expectedVersion: "0" })).status).toBe(409);
  });

  it("exports .docx, .txt and .md for leaders; viewers cannot export", async () => {
    const txt = (await exportFile(leader, "txt")) as Response;
    expect(txt.status).toBe(200);
    expect(txt.headers.get("Content-Type")).toContain("text/plain");
    expect(decodeURIComponent(txt.headers.get("Content-Disposition")!)).toContain("平东街道2025年工作总结（版本1）.txt");
    const md = (await exportFile(leader, "md")) as Response;
    expect(await md.text()).toContain("## 四、2026年重点工作安排");
    const docx = (await exportFile(leader, "docx")) as Response;
    expect(docx.headers.get("Content-Type")).toContain("wordprocessingml");
    const { value } = await mammoth.extractRawText({ buffer: Buffer.from(await docx.arrayBuffer()) });
    expect(value).toContain("三、存在问题");
    expect((await exportFile(viewer, "txt")).status).toBe(403);
    expect((await exportFile(leader, "pdf")).status).toBe(404);
    expect((await exportFile(leader, "txt", "year=2025&version=99")).status).toBe(404);
  });
});

describe("the round trip through the importer", () => {
  it("gives back the same sections, items, problems, plan items and figures from .txt and .docx", async () => {
    const db = getDb();
    const plan = await db.selectFrom("plans").selectAll().where("year", "=", 2025).executeTakeFirstOrThrow();
    // What the writer said, and the figures it recorded, for today's data.
    const written = writeSummary(await loadSummaryInput(db, plan));
    const txtBytes = new Uint8Array(await ((await exportFile(leader, "txt")) as Response).arrayBuffer());
    const docxBytes = new Uint8Array(await ((await exportFile(leader, "docx")) as Response).arrayBuffer());
    expect(new TextDecoder().decode(txtBytes)).toBe(toPlainText(written.document));

    const fromTxt = toSummaryJson(parseSummary(await readSummaryFile("总结.txt", txtBytes)));
    const fromDocx = toSummaryJson(parseSummary(await readSummaryFile("总结.docx", docxBytes)));
    const comparable = (j: SummaryJson) => ({ ...j, metrics: j.metrics.map(({ sentence: _s, ...m }) => m) });
    expect(comparable(fromDocx)).toEqual(comparable(fromTxt));

    const parsed = fromTxt;
    expect(parsed.title).toBe("平东街道2025年工作总结");
    expect(parsed.unit).toBe("平东街道办事处");
    expect(parsed.year).toBe(2025);
    expect(parsed.date).toBe("2025-12-31");
    expect(parsed.sections.map((s) => [s.number, s.heading, s.kind])).toEqual([
      ["一", "亮点工作", "highlights"],
      ["二", "2025年主要工作", "work"],
      ["三", "存在问题", "problems"],
      ["四", "2026年重点工作安排", "plan"],
    ]);
    const section = (key: string) => written.document.sections.find((s) => s.key === key)!.body.split("\n");
    // 二's items are the writer's （一）…（N） headings.
    expect(parsed.sections[1].children.map((c) => `${c.number}${c.heading}`)).toEqual(section("work").filter((l) => l.startsWith("（")));
    // 三 and 四: the same items, in order, with the same text.
    expect(parsed.problems.map((p) => `${p.ref.replace("三.", "")}.${p.text}`)).toEqual(section("problems"));
    expect(parsed.plan.map((p) => `${p.ref.replace("四.", "")}.${p.text}`)).toEqual(section("plan"));
    expect(parsed.problems.length).toBeGreaterThanOrEqual(2);
    expect(parsed.plan.length).toBeGreaterThanOrEqual(2);
    // Every figure the writer stated comes back, with its value, unit and place.
    const key = (f: { ref: string | null; value: number; unit: string }) => `${f.ref ?? ""}|${f.value}|${f.unit}`;
    const back = parsed.metrics.map(key).sort();
    expect(written.figures.length).toBeGreaterThan(10);
    expect(back).toEqual(written.figures.map(key).sort());
  });
});

describe("editing per section", () => {
  it("saves a section, merges edits of different sections, and answers 409 for the same section", async () => {
    const page = await loadPage(leader);
    const revs = page.data.latest.revs as Record<string, number>;
    const problems = (page.data.latest.document.sections as { key: string; body: string }[]).find((s) => s.key === "problems")!.body;

    // The leader's autosave: a new version (the latest was generated, not edited).
    const first = await post(leader, {
      intent: "save",
      year: "2025",
      key: "problems",
      heading: "存在问题",
      body: `${problems}\n4.宣传方式仍较单一。`,
      baseRev: String(revs.problems),
      autosave: "1",
    });
    expect(first.status).toBe(200);
    expect(first.data).toMatchObject({ ok: true, version: 2, rev: revs.problems + 1, coalesced: false });
    // A second autosave by the same person a moment later updates the same version.
    const second = await post(leader, {
      intent: "save",
      year: "2025",
      key: "problems",
      heading: "存在问题",
      body: `${problems}\n4.宣传方式仍较单一，创新不足。`,
      baseRev: String(revs.problems + 1),
      autosave: "1",
    });
    expect(second.data).toMatchObject({ ok: true, version: 2, coalesced: true });

    // The admin, still on the generated text of 三, saves it: 409 with the leader's text, nothing written.
    const before = await count("summaries");
    const stale = await post(admin, { intent: "save", year: "2025", key: "problems", body: "覆盖", baseRev: String(revs.problems) });
    expect(stale.status).toBe(409);
    expect(stale.data.message).toContain("已被他人修改");
    expect(stale.data.conflict.body).toContain("创新不足");
    expect(stale.data.values.body).toBe("覆盖");
    expect(await count("summaries")).toBe(before);

    // The admin's edit of another section (a form post without JS) merges: 三 keeps the leader's text.
    const other = await post(admin, {
      intent: "save",
      year: "2025",
      key: "opening",
      body: "2025年，平东街道扎实推进各项工作。现将有关情况总结如下：",
      baseRev: String(revs.opening),
    });
    expect(other.status).toBe(302);
    expect(other.location).toBe("/summary?year=2025#section-opening");
    const after = await loadPage(viewer);
    expect(after.data.latest.version).toBe(3);
    const sections = after.data.latest.document.sections as { key: string; body: string }[];
    expect(sections.find((s) => s.key === "problems")!.body).toContain("4.宣传方式仍较单一，创新不足。");
    expect(sections.find((s) => s.key === "opening")!.body).toBe("2025年，平东街道扎实推进各项工作。现将有关情况总结如下：");
    expect(after.data.versions.map((v: { authorName: string }) => v.authorName)).toEqual(["系统管理员", "刘主任", "刘主任"]);
  });

  it("keeps the user's text on a validation error", async () => {
    const page = await loadPage(leader);
    const rev = String(page.data.latest.revs.title);
    const bad = await post(leader, { intent: "save", year: "2025", key: "title", body: "第一行\n第二行", baseRev: rev });
    expect(bad.status).toBe(400);
    expect(bad.data.values.body).toBe("第一行\n第二行");
    expect((await post(leader, { intent: "save", year: "2025", key: "nope", body: "x", baseRev: rev })).status).toBe(400);
    expect((await post(leader, { intent: "save", year: "2025", key: "plan", body: "x".repeat(20001), baseRev: rev })).status).toBe(400);
  });

  it("compares two versions and restores one as a new version", async () => {
    const compared = await loadPage(viewer, "year=2025&from=1&to=3");
    const diff = compared.data.compare.sections as { key: string; changed: boolean; lines: { kind: string }[] }[];
    expect(diff.filter((s) => s.changed).map((s) => s.key)).toEqual(["opening", "problems"]);
    expect(diff.find((s) => s.key === "problems")!.lines.some((l) => l.kind === "added")).toBe(true);
    expect(diff.find((s) => s.key === "opening")!.lines.some((l) => l.kind !== "same")).toBe(true);

    expect((await post(leader, { intent: "restore", year: "2025", version: "1", expectedLatest: "2" })).status).toBe(409);
    const restored = await post(leader, { intent: "restore", year: "2025", version: "1", expectedLatest: "3" });
    expect(restored.status).toBe(302);
    const page = await loadPage(viewer);
    expect(page.data.latest.version).toBe(4);
    expect(page.data.latest.note).toBe("恢复自版本1");
    const v1 = await loadPage(viewer, "year=2025&from=1&to=4");
    expect(v1.data.compare.sections.every((s: { changed: boolean }) => !s.changed)).toBe(true);
    // An editor still holding the pre-restore revision of 三 gets a 409, not a silent overwrite.
    const stale = await post(admin, {
      intent: "save",
      year: "2025",
      key: "problems",
      body: "旧编辑",
      baseRev: String(page.data.latest.revs.problems - 1),
    });
    expect(stale.status).toBe(409);
  });
});

describe("starting next year", () => {
  it("is refused until the summary is final, and shows what it will create", async () => {
    const preview = await callLoader(nextYearRoute.loader, makeRequest("/summary/next-year?year=2025", { cookie: leader }));
    expect(preview.data.preview.blocked).toContain("请先将总结定稿");
    const refused = await callAction(
      nextYearRoute.action,
      makeRequest("/summary/next-year", { cookie: leader, form: { year: "2025", planRef: "四.1" } }),
    );
    expect(refused.status).toBe(409);
    expect(await count("plans")).toBe(1);
    expect((await callLoader(nextYearRoute.loader, makeRequest("/summary/next-year?year=2025", { cookie: viewer }))).status).toBe(403);
  });

  it("creates 2026 from the final summary in one go: 四 as 重点工作, 三 as 存在问题, carried tasks, metrics with 2025 actuals as baselines", async () => {
    const db = getDb();
    const page = await loadPage(leader);
    expect((await post(leader, { intent: "finalize", year: "2025", expectedLatest: String(page.data.latest.version) })).status).toBe(302);
    expect((await loadPage(viewer)).data.latest.status).toBe("final");

    const { data } = await callLoader(nextYearRoute.loader, makeRequest("/summary/next-year?year=2025", { cookie: leader }));
    const preview = data.preview;
    expect(preview.blocked).toBeNull();
    expect(preview.nextYear).toBe(2026);
    // Unfinished 2025 tasks named in 四 ("继续推进“…”") are linked to it.
    const linked = preview.planItems.filter((i: { carriedFrom: unknown }) => i.carriedFrom);
    expect(linked.length).toBeGreaterThan(0);
    const oldTasks = await db.selectFrom("tasks").selectAll().where("plan_id", "=", 1).execute();
    const open = oldTasks.filter((t) => t.status === "in_progress" || t.status === "not_started");
    expect(linked.map((i: { carriedFrom: { id: number } }) => i.carriedFrom.id).sort()).toEqual(open.map((t) => t.id).sort());

    const planRefs = preview.planItems.map((i: { ref: string }) => i.ref);
    const problemRefs = preview.problems.map((i: { ref: string }) => i.ref);
    const carry = preview.unfinished.map((t: { id: number }) => String(t.id));
    const before = await count("tasks");
    const started = await callAction(
      nextYearRoute.action,
      makeRequest("/summary/next-year", {
        cookie: leader,
        form: { year: "2025", planRef: planRefs, problemRef: problemRefs, carryTask: carry },
      }),
    );
    expect(started.status).toBe(302);
    expect(started.location).toBe("/board?year=2026");

    const plan2026 = await db.selectFrom("plans").selectAll().where("year", "=", 2026).executeTakeFirstOrThrow();
    expect(plan2026.organization).toBe("平东街道");
    const tasks = await db.selectFrom("tasks").selectAll().where("plan_id", "=", plan2026.id).orderBy("code").execute();
    expect(tasks.length).toBe(planRefs.length + problemRefs.length + carry.length);
    expect(await count("tasks")).toBe(before + tasks.length);
    expect(tasks[0].code).toBe("2026-01");
    const carried = tasks.filter((t) => t.origin === "carried_over");
    expect(carried.map((t) => t.carried_from_task_id).sort()).toEqual([...open.map((t) => t.id), ...carry.map(Number)].sort());
    for (const task of carried) {
      const old = oldTasks.find((t) => t.id === task.carried_from_task_id)!;
      expect(task.title).toBe(old.title);
    }
    expect(tasks.filter((t) => t.origin === "key_work").map((t) => t.origin_ref)).toEqual(
      planRefs.filter((ref: string) => !linked.some((i: { ref: string }) => i.ref === ref)),
    );
    expect(tasks.filter((t) => t.origin === "problem").map((t) => t.origin_ref)).toEqual(problemRefs);
    const carriedUnits = await db
      .selectFrom("task_units")
      .selectAll()
      .where(
        "task_id",
        "in",
        carried.map((t) => t.id),
      )
      .execute();
    expect(carriedUnits.length).toBeGreaterThan(0);

    // Metrics: only those reported in 2025 (the box for unreported ones was not ticked), actual as baseline.
    const metrics = await db.selectFrom("metrics").selectAll().where("plan_id", "=", plan2026.id).execute();
    const reported = (await actuals()).filter((m) => m.actual !== null);
    expect(metrics.map((m) => `${m.name}|${m.baseline}|${m.target}`).sort()).toEqual(
      reported.map((m) => `${m.name}|${m.actual}|null`).sort(),
    );
    expect(metrics.map((m) => m.name)).toEqual(expect.arrayContaining(["失业率", "集中培训班"]));
    const unemployment = metrics.find((m) => m.name === "失业率")!;
    expect(unemployment.direction).toBe("cap");
    expect(unemployment.category).toBe("民生保障");

    // The source document is the final summary's text.
    const doc = await db.selectFrom("source_documents").selectAll().where("plan_id", "=", plan2026.id).executeTakeFirstOrThrow();
    expect(doc.original_text.startsWith("平东街道2025年工作总结")).toBe(true);
    expect(doc.file_name).toContain("定稿版本");

    // Twice: refused, nothing written.
    const counts = [await count("plans"), await count("tasks"), await count("metrics")];
    const again = await callAction(
      nextYearRoute.action,
      makeRequest("/summary/next-year", { cookie: leader, form: { year: "2025", planRef: planRefs } }),
    );
    expect(again.status).toBe(409);
    expect([await count("plans"), await count("tasks"), await count("metrics")]).toEqual(counts);
    const blocked = await callLoader(nextYearRoute.loader, makeRequest("/summary/next-year?year=2025", { cookie: leader }));
    expect(blocked.data.preview.blocked).toContain("2026年度计划已经存在");
  });

  it("refuses an empty choice and forged refs with a 400", async () => {
    const empty = await callAction(nextYearRoute.action, makeRequest("/summary/next-year", { cookie: admin, form: { year: "2025" } }));
    expect(empty.status).toBe(400);
    const forged = await callAction(
      nextYearRoute.action,
      makeRequest("/summary/next-year", { cookie: admin, form: { year: "2025", planRef: "x; drop" } }),
    );
    expect(forged.status).toBe(400);
    const foreign = await callAction(
      nextYearRoute.action,
      new Request(`${ORIGIN}/summary/next-year`, {
        method: "POST",
        headers: { Cookie: admin, Origin: "https://evil.example" },
        body: new URLSearchParams({ year: "2025", planRef: "四.1" }),
      }),
    );
    expect(foreign.status).toBe(403);
  });
});
