// 督办通报 from a built plan whose lights on the period's last day are known: the issue lists
// exactly its red and yellow tasks (the board's rule, as of that day, before a later extension),
// the units that did not report, the extension approved in the period and the task 销号 in it;
// numbers are stable per period; the .docx passes the summary's GB/T 9704 checks (and, where
// LibreOffice is installed, prints on A4 with 28 characters a line and the page number in place).
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import JSZip from "jszip";
import mammoth from "mammoth";
import { beforeAll, describe, expect, it } from "vitest";
import { action as briefingsAction, loader as briefingsLoader } from "../../app/routes/briefings";
import { loader as downloadLoader } from "../../app/routes/briefings_.$briefingId.$format";
import { applyForExtension, decideExtension } from "../../app/models/extensions.server";
import { createPlan, getPlan } from "../../app/models/plans.server";
import { getBoardCard } from "../../app/routes/board/cards.server";
import { createTask } from "../../app/routes/board/tasks.server";
import { toDateKey } from "../../app/lib/weeks";
import { getDb } from "../../app/utils/db.server";
import { callAction, callLoader, loadDemoSetting, makeRequest, type DemoSetting } from "./helpers";

let demo: DemoSetting;
let planId: number;
const ids: Record<string, number> = {};
const PERIOD_END = "2024-03-24"; // Sunday of 2024-W12

async function addTask(name: string, unit: string, dueDate: string, status: "in_progress" | "done" = "in_progress") {
  const db = getDb();
  const { id } = await createTask(db, demo.actors.leader, {
    planId,
    title: name,
    status,
    leadUnitId: demo.units[unit],
    leadUserId: demo.actors.leader.id,
    dueDate,
  });
  await db.updateTable("tasks").set({ created_at: "2024-01-01T00:00:00.000Z" }).where("id", "=", id).execute();
  ids[name] = id;
  return id;
}

async function report(name: string, unit: string, week: string, progress: number, at: string) {
  await getDb()
    .insertInto("updates")
    .values({
      task_id: ids[name],
      unit_id: demo.units[unit],
      author_id: demo.actors.leader.id,
      week,
      body: "本周推进情况。",
      progress,
      created_at: at,
      updated_at: at,
    })
    .execute();
}

beforeAll(async () => {
  demo = await loadDemoSetting();
  const db = getDb();
  planId = (await createPlan(db, demo.actors.admin.id, { year: 2024, title: "河西街道2024年重点工作", organization: "河西街道" })).id;
  await addTask("逾期未完成", "东晟社区", "2024-03-10");
  await addTask("进度落后", "龙腾社区", "2024-12-31");
  await addTask("正常推进", "丰翼社区", "2024-12-31");
  await addTask("后来延期", "东晟社区", "2024-03-01");
  await addTask("期内延期", "龙腾社区", "2024-03-20");
  await addTask("期内销号", "丰翼社区", "2024-04-30", "done");
  await addTask("从未填报", "龙腾社区", "2024-06-30");
  await db.updateTable("tasks").set({ done_at: "2024-03-21T02:00:00.000Z" }).where("id", "=", ids["期内销号"]).execute();

  const inW11 = "2024-03-13T02:00:00.000Z";
  const inW12 = "2024-03-20T02:00:00.000Z";
  await report("逾期未完成", "东晟社区", "2024-W11", 90, inW11); // nothing in W12: 东晟社区 missed it
  await report("进度落后", "龙腾社区", "2024-W12", 0, inW12);
  await report("正常推进", "丰翼社区", "2024-W12", 30, inW12);
  await report("后来延期", "东晟社区", "2024-W12", 50, inW12);
  await report("期内延期", "龙腾社区", "2024-W12", 40, inW12);
  await report("期内销号", "丰翼社区", "2024-W11", 100, inW11);

  // Approved on 19 March 2024: 20 March → 30 June.
  await db
    .insertInto("task_extensions")
    .values({
      task_id: ids["期内延期"],
      requested_by: demo.actors.secretary.id,
      unit_id: demo.units["龙腾社区"],
      old_due_date: "2024-03-20",
      requested_due_date: "2024-06-30",
      reason: "设备到货延迟。",
      status: "approved",
      decided_by: demo.actors.leader.id,
      decided_at: "2024-03-19T02:00:00.000Z",
      created_at: "2024-03-18T02:00:00.000Z",
    })
    .execute();
  await db
    .updateTable("tasks")
    .set({ due_date: "2024-06-30", original_due_date: "2024-03-20" })
    .where("id", "=", ids["期内延期"])
    .execute();

  // Extended today, long after the period: on 24 March 2024 it was overdue.
  const later = toDateKey(new Date(Date.now() + 30 * 86_400_000));
  const { id: extensionId } = await applyForExtension(db, demo.actors.leader, {
    taskId: ids["后来延期"],
    dueDate: later,
    reason: "今天批准的延期。",
  });
  await decideExtension(db, demo.actors.leader, { extensionId, decision: "approve", note: "" });
});

async function issue(kind: "week" | "month", key: string, intent = "issue") {
  const outcome = await callAction(
    briefingsAction,
    makeRequest("/briefings", { cookie: demo.cookies.leader, form: { intent, planId: String(planId), kind, [kind]: key, key } }),
  );
  expect(outcome.status, JSON.stringify(outcome.data)).toBe(302);
  const id = Number(/issue=(\d+)/.exec(outcome.location!)![1]);
  const row = await getDb().selectFrom("briefings").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  return { id, number: row.number, content: JSON.parse(row.content), location: outcome.location! };
}

const titles = (lines: { id: number }[]) => lines.map((l) => Object.keys(ids).find((name) => ids[name] === l.id));

describe("督办通报 of a built plan", () => {
  let week: Awaited<ReturnType<typeof issue>>;

  beforeAll(async () => {
    week = await issue("week", "2024-W12");
  });

  it("lists exactly the red and yellow tasks as of the period's last day", async () => {
    expect(titles(week.content.red)).toEqual(["逾期未完成", "后来延期", "从未填报"]);
    expect(titles(week.content.yellow)).toEqual(["进度落后"]);
    expect(week.content.totals).toMatchObject({ tasks: 7, red: 3, yellow: 1, green: 2, done: 1, doneInPeriod: 1, extended: 1 });

    // The board's own rule on that day gives the same light for every task not changed since.
    const plan = (await getPlan(getDb(), planId))!;
    for (const name of ["逾期未完成", "进度落后", "正常推进", "从未填报"]) {
      const card = (await getBoardCard(getDb(), plan, ids[name], PERIOD_END))!;
      const inIssue = [...week.content.red, ...week.content.yellow].find((l: { id: number }) => l.id === ids[name]);
      expect(inIssue?.light ?? "green", name).toBe(card.light.light);
    }
    // Today the later extension has moved its 完成时限; the issue speaks of the day it covers.
    const extended = (await getBoardCard(getDb(), plan, ids["后来延期"], PERIOD_END))!;
    expect(extended.originalDueDate).toBe("2024-03-01");
    expect(week.content.red[1].reasons[0]).toBe("已超期23天");
  });

  it("names the units that did not report, the extension approved and the task 销号 in the period", () => {
    expect(week.content.units).toEqual([
      { unit: "东晟社区", missing: [expect.objectContaining({ title: "逾期未完成", week: "2024-W12" })], late: [] },
      { unit: "龙腾社区", missing: [expect.objectContaining({ title: "从未填报", week: "2024-W12" })], late: [] },
    ]);
    expect(week.content.extensions).toEqual([
      expect.objectContaining({ title: "期内延期", oldDueDate: "2024-03-20", newDueDate: "2024-06-30", approvedOn: "2024-03-19" }),
    ]);
    expect(week.content.done).toEqual([expect.objectContaining({ title: "期内销号", doneDate: "2024-03-21" })]);
  });

  it("numbers issues within the year; the same period again is the same issue", async () => {
    expect(week.number).toBe(1);
    expect(week.content.organization).toBe("河西街道");
    const month = await issue("month", "2024-03");
    expect(month.number).toBe(2);
    // The month's last week (W13 ends 31 March) counts as well: more reports were owed.
    expect(month.content.totals.expectedReports).toBeGreaterThan(week.content.totals.expectedReports);
    const again = await issue("week", "2024-W12");
    expect(again).toMatchObject({ id: week.id, number: 1 });
    const regenerated = await issue("week", "2024-W12", "regenerate");
    expect(regenerated).toMatchObject({ id: week.id, number: 1 });
    expect(await getDb().selectFrom("briefings").select("number").where("plan_id", "=", planId).orderBy("number").execute()).toEqual([
      { number: 1 },
      { number: 2 },
    ]);
    const audit = await getDb().selectFrom("audit_log").select("action").where("entity", "=", "briefing").execute();
    expect(audit.map((a) => a.action).sort()).toEqual(["briefing.issue", "briefing.issue", "briefing.regenerate"]);

    const page = await callLoader(briefingsLoader, makeRequest(`/briefings?year=2024&issue=${week.id}`, { cookie: demo.cookies.leader }));
    expect(page.data.issues.map((i: { number: number }) => i.number)).toEqual([2, 1]);
    expect(page.data.shown.title).toBe("河西街道重点工作督办通报（2024年第1期）");
  });

  it("refuses a period that has not ended, or lies outside the plan's year, in Chinese", async () => {
    const form = (kind: string, key: string) => ({ intent: "issue", planId: String(planId), kind, [kind]: key });
    const outside = await callAction(
      briefingsAction,
      makeRequest("/briefings", { cookie: demo.cookies.leader, form: form("month", "2023-12") }),
    );
    expect(outside.status).toBe(400);
    expect(outside.data.message).toBe("所选期间不在2024年度计划之内。");
    const bad = await callAction(
      briefingsAction,
      makeRequest("/briefings", { cookie: demo.cookies.leader, form: form("week", "2024-W99") }),
    );
    expect(bad.status).toBe(400);
    const secretary = await callAction(
      briefingsAction,
      makeRequest("/briefings", { cookie: demo.cookies.secretary, form: form("week", "2024-W12") }),
    );
    expect(secretary.status).toBe(403);
  });

  describe("the .docx", () => {
    let bytes: Buffer;
    let xml: string;

    beforeAll(async () => {
      const response = (await downloadLoader({
        request: makeRequest(`/briefings/${week.id}/docx`, { cookie: demo.cookies.leader }),
        params: { briefingId: String(week.id), format: "docx" },
        context: {} as never,
      })) as Response;
      expect(response.status).toBe(200);
      expect(decodeURIComponent(response.headers.get("Content-Disposition")!)).toContain("河西街道重点工作督办通报（2024年第1期）.docx");
      bytes = Buffer.from(await response.arrayBuffer());
      xml = await (await JSZip.loadAsync(bytes)).file("word/document.xml")!.async("string");
    });

    const attr = (fragment: string, element: string, name: string) =>
      new RegExp(`<w:${element}\\b[^>]*\\bw:${name}="([^"]*)"`).exec(fragment)?.[1] ?? null;
    const paragraph = (text: string) => {
      const found = xml.match(/<w:p>.*?<\/w:p>/g)?.find((p) => p.replace(/<[^>]+>/g, "") === text);
      if (!found) throw new Error(`no paragraph ${text}`);
      return found;
    };

    it("is laid out per GB/T 9704 like the summary: A4, margins, grid, fonts", () => {
      const sectPr = /<w:sectPr>.*<\/w:sectPr>/.exec(xml)![0];
      expect([attr(sectPr, "pgSz", "w"), attr(sectPr, "pgSz", "h")]).toEqual(["11906", "16838"]);
      expect(["top", "bottom", "left", "right"].map((side) => attr(sectPr, "pgMar", side))).toEqual(["2098", "1984", "1587", "1474"]);
      expect(attr(sectPr, "docGrid", "type")).toBe("linesAndChars");
      for (const text of ["河西街道重点工作督办通报", "（2024年第1期）"]) {
        const title = paragraph(text);
        expect(attr(title, "rFonts", "eastAsia")).toBe("方正小标宋简体");
        expect(attr(title, "sz", "val")).toBe("44");
        expect(attr(title, "jc", "val")).toBe("center");
      }
      expect(attr(paragraph("二、红灯事项（滞后）"), "rFonts", "eastAsia")).toBe("黑体");
      const opening = paragraph("现将2024年第12周（3月18日至3月24日）河西街道重点工作推进情况通报如下。");
      expect(attr(opening, "rFonts", "eastAsia")).toBe("仿宋_GB2312");
      expect(attr(opening, "ind", "firstLine")).toBe("640");
      const item = xml.match(/<w:p>.*?<\/w:p>/g)!.find((p) => p.replace(/<[^>]+>/g, "").startsWith("1.逾期未完成"))!;
      expect(attr(item, "rFonts", "eastAsia")).toBe("仿宋_GB2312");
      expect(attr(item, "sz", "val")).toBe("32");
      expect(attr(paragraph("河西街道办事处"), "jc", "val")).toBe("right");
    });

    it("reads back with exactly the red and yellow tasks under their headings", async () => {
      const { value } = await mammoth.extractRawText({ buffer: bytes });
      const lines = value
        .split("\n")
        .map((l) => l.trim())
        .filter(Boolean);
      const section = (from: string, to: string) => lines.slice(lines.indexOf(from) + 1, lines.indexOf(to));
      expect(section("二、红灯事项（滞后）", "三、黄灯事项（预警）").map((l) => /^\d+\.([^（]+)/.exec(l)![1])).toEqual([
        "逾期未完成",
        "后来延期",
        "从未填报",
      ]);
      expect(section("三、黄灯事项（预警）", "四、未按时填报的单位").map((l) => /^\d+\.([^（]+)/.exec(l)![1])).toEqual(["进度落后"]);
    });

    const missing = ["soffice", "pdftotext", "pdfinfo"].filter((c) => spawnSync("sh", ["-c", `command -v ${c}`]).status !== 0);
    it.skipIf(missing.length > 0)(
      "prints through LibreOffice on A4, 28 characters a line, the page number 7 mm below the text",
      () => {
        const dir = mkdtempSync(join(tmpdir(), "briefing-pdf-"));
        try {
          const file = join(dir, "briefing.docx");
          writeFileSync(file, bytes);
          execFileSync(
            "soffice",
            [`-env:UserInstallation=file://${join(dir, "profile")}`, "--headless", "--convert-to", "pdf", "--outdir", dir, file],
            {
              stdio: "ignore",
              timeout: 180_000,
            },
          );
          const pdf = join(dir, "briefing.pdf");
          expect(execFileSync("pdfinfo", [pdf], { encoding: "utf8" })).toMatch(/Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)/);
          const html = execFileSync("pdftotext", ["-bbox-layout", pdf, "-"], { encoding: "utf8" });
          const PT = 25.4 / 72;
          const pages = [...html.matchAll(/<page [^>]*>([\s\S]*?)<\/page>/g)].map(([, page]) =>
            [...page.matchAll(/<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([\s\S]*?)<\/line>/g)].map(
              ([, x0, y0, x1, body]) => ({
                left: Number(x0) * PT,
                top: Number(y0) * PT,
                right: Number(x1) * PT,
                text: [...body.matchAll(/>([^<]*)<\/word>/g)].map((m) => m[1]).join(""),
              }),
            ),
          );
          const all = pages.flat();
          const isPageNumber = (text: string) => /^—\d+—$/.test(text.replace(/\s/g, ""));
          // Text stays inside the 156 mm text block, 28 mm from the left edge and 26 mm from the right;
          // only a closing punctuation mark may hang past it (LibreOffice's hanging punctuation).
          for (const line of all.filter((l) => !isPageNumber(l.text))) {
            expect(line.left).toBeGreaterThan(27);
            const limit = /[，。：；、）》”]$/u.test(line.text) ? 210 - 26 + 156 / 28 + 0.5 : 210 - 25;
            expect(line.right, line.text).toBeLessThan(limit);
          }
          const cjk = all.map((l) => l.text.replace(/\s/g, "")).filter((t) => /^[\u3000-\u9fff\uff00-\uffef]+$/u.test(t));
          expect(Math.max(...cjk.map((t) => [...t].length))).toBeLessThanOrEqual(28);
          expect(cjk.some((t) => [...t].length === 28)).toBe(true);
          for (const page of pages) {
            const number = page.find((l) => isPageNumber(l.text))!;
            expect(number.top - (297 - 35)).toBeGreaterThan(6);
            expect(number.top - (297 - 35)).toBeLessThan(8);
          }
          const title = all.find((l) => l.text === "河西街道重点工作督办通报")!;
          expect(Math.abs((title.left + title.right) / 2 - (28 + 156 / 2))).toBeLessThan(3);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
      200_000,
    );
  });
});
