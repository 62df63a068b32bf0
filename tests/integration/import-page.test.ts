import { readFileSync } from "node:fs";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import * as importPage from "../../app/routes/import/route";
import { getDb } from "../../app/utils/db.server";
import { callAction, callLoader, cookieFor, ORIGIN } from "./helpers";

const seed = readFileSync(new URL("../../db/seed/pingdong-2024-summary.txt", import.meta.url), "utf8");
// A summary of another street, so it is not the document the first start imported.
const other = seed.replaceAll("平东", "平西").replace("2024年10月31日", "2024年11月5日");

function upload(cookie: string, form: Record<string, string | Blob>, fileName = "总结.txt") {
  const body = new FormData();
  for (const [key, value] of Object.entries(form)) {
    if (value instanceof Blob) body.append(key, value, fileName);
    else body.append(key, value);
  }
  return new Request(`${ORIGIN}/import`, { method: "POST", body, headers: { Cookie: cookie, Origin: ORIGIN } });
}

async function preview(cookie: string, bytes: Uint8Array, fileName = "平西街道2024年工作总结.txt") {
  return callAction(importPage.action, upload(cookie, { intent: "preview", file: new Blob([new Uint8Array(bytes)]) }, fileName));
}

async function counts() {
  const db = getDb();
  return {
    tasks: (await db.selectFrom("tasks").select("id").execute()).length,
    metrics: (await db.selectFrom("metrics").select("id").execute()).length,
    docs: (await db.selectFrom("source_documents").select("id").execute()).length,
  };
}

describe("the import page", () => {
  it("is for leaders and admins only", async () => {
    for (const username of ["secretary", "viewer"]) {
      const cookie = await cookieFor(username);
      expect((await callLoader(importPage.loader, new Request(`${ORIGIN}/import`, { headers: { Cookie: cookie } }))).status).toBe(403);
      expect((await preview(cookie, iconv.encode(other, "gbk"))).status).toBe(403);
    }
  });

  it("previews a GBK upload, then commits the leader's choices into a new plan year", async () => {
    const cookie = await cookieFor("leader");
    const before = await counts();
    const shown = await preview(cookie, iconv.encode(other, "gbk"));
    expect(shown.status).toBe(200);
    const { preview: p } = shown.data;
    expect(p.duplicateMessage).toBeNull();
    expect(p.organization).toBe("平西街道");
    expect(p.planYear).toBe(2025);
    expect(p.tasks).toHaveLength(10);
    expect(p.sections.map((s: { kind: string }) => s.kind)).toEqual(["highlights", "work", "problems", "plan"]);
    expect(await counts()).toEqual(before);

    // The leader deselects 四.3, renames 四.1, keeps two figures and picks 2026.
    const kept = p.tasks.filter((t: { originRef: string }) => t.originRef !== "四.3");
    const form = new URLSearchParams({ intent: "commit", fileName: p.fileName, encodedText: p.encodedText, planYear: "2026" });
    for (const task of kept) {
      form.append("task", task.key);
      form.append(`title:${task.key}`, task.originRef === "四.1" ? "推广党建工作经验（改名）" : task.title);
      form.append(`lead:${task.key}`, task.leadUnitId == null ? "" : String(task.leadUnitId));
    }
    const figures = p.metricGroups.flatMap((g: { metrics: { key: string; name: string }[] }) => g.metrics);
    const investment = figures.find((m: { name: string }) => m.name === "固定资产投资");
    form.append("metric", investment.key);
    form.append("metric", figures[0].key);
    const committed = await callAction(
      importPage.action,
      new Request(`${ORIGIN}/import`, { method: "POST", body: form, headers: { Cookie: cookie, Origin: ORIGIN } }),
    );
    expect(committed.status).toBe(302);
    expect(committed.location).toMatch(/^\/import\?imported=\d+$/);

    const db = getDb();
    const plan = await db.selectFrom("plans").selectAll().where("year", "=", 2026).executeTakeFirstOrThrow();
    expect(plan.organization).toBe("平西街道");
    const tasks = await db.selectFrom("tasks").selectAll().where("plan_id", "=", plan.id).orderBy("code").execute();
    expect(tasks).toHaveLength(9);
    expect(tasks.map((t) => t.origin_ref)).not.toContain("四.3");
    expect(tasks[0]).toMatchObject({ code: "2026-01", title: "推广党建工作经验（改名）", status: "not_started", due_date: "2026-12-31" });
    const metrics = await db.selectFrom("metrics").selectAll().where("plan_id", "=", plan.id).execute();
    expect(metrics).toHaveLength(2);
    expect(metrics.find((m) => m.name === "固定资产投资")).toMatchObject({ baseline: 2400, unit: "万元" });
    const document = await db.selectFrom("source_documents").selectAll().where("plan_id", "=", plan.id).executeTakeFirstOrThrow();
    expect(document.original_text).toBe(other);

    const done = await callLoader(importPage.loader, new Request(`${ORIGIN}${committed.location}`, { headers: { Cookie: cookie } }));
    expect(done.data.imported.tasks).toHaveLength(9);
    expect(done.data.imported.metrics).toBe(2);

    // The same document again, even re-encoded, is recognised and not imported twice.
    const again = await preview(cookie, new TextEncoder().encode(other));
    expect(again.data.preview.duplicateMessage).toContain("导入过");
    const replay = await callAction(
      importPage.action,
      new Request(`${ORIGIN}/import`, { method: "POST", body: form, headers: { Cookie: cookie, Origin: ORIGIN } }),
    );
    expect(replay.status).toBe(409);
    expect(await db.selectFrom("tasks").select("id").where("plan_id", "=", plan.id).execute()).toHaveLength(9);
  });

  it("recognises the seed the first start imported", async () => {
    const cookie = await cookieFor("admin");
    const shown = await preview(cookie, iconv.encode(seed, "gbk"), "平东街道2024年工作总结.txt");
    expect(shown.data.preview.duplicateMessage).toMatch(/已于.*导入过/);
  });

  it("answers bad files with the engine's Chinese message and writes nothing", async () => {
    const cookie = await cookieFor("leader");
    const before = await counts();
    const pdf = await preview(cookie, new TextEncoder().encode("%PDF-1.7 binary"), "总结.pdf");
    expect(pdf.status).toBe(400);
    expect(pdf.data.error).toContain("PDF");
    const empty = await callAction(importPage.action, upload(cookie, { intent: "preview", text: "   " }));
    expect(empty.status).toBe(400);
    expect(empty.data.error).toContain("请选择");
    expect(await counts()).toEqual(before);
  });

  it("refuses a pasted text whose analysis is too large for a preview, keeping the text, and writes nothing", async () => {
    const cookie = await cookieFor("leader");
    const before = await counts();
    // 2,500 headings: more sections than any 工作总结 has (the analysis runs on a worker thread).
    const text = "（一）抓实基层治理。全年走访居民楼1900户，排查商户3640次。\n".repeat(2_500);
    const refused = await callAction(importPage.action, upload(cookie, { intent: "preview", text }));
    expect(refused.status).toBe(400);
    expect(refused.data.error).toContain("太多");
    expect(refused.data.pasted.replace(/\r\n/g, "\n")).toBe(text);
    expect(await counts()).toEqual(before);
  });

  it("refuses a pasted text over the import's character limit with a Chinese message", async () => {
    const cookie = await cookieFor("leader");
    const refused = await callAction(importPage.action, upload(cookie, { intent: "preview", text: "一".repeat(500_001) }));
    expect(refused.status).toBe(400);
    expect(refused.data.error).toContain("50万字");
  });

  it("keeps the choices and explains when a commit is invalid or forged", async () => {
    const cookie = await cookieFor("leader");
    const shown = await preview(cookie, new TextEncoder().encode(other.replaceAll("平西", "平南")));
    const { preview: p } = shown.data;
    const before = await counts();
    const send = (form: URLSearchParams) =>
      callAction(
        importPage.action,
        new Request(`${ORIGIN}/import`, { method: "POST", body: form, headers: { Cookie: cookie, Origin: ORIGIN } }),
      );

    const emptyTitle = new URLSearchParams({ intent: "commit", fileName: p.fileName, encodedText: p.encodedText, planYear: "2027" });
    emptyTitle.append("task", p.tasks[0].key);
    emptyTitle.append(`title:${p.tasks[0].key}`, "   ");
    const invalid = await send(emptyTitle);
    expect(invalid.status).toBe(400);
    expect(invalid.data.errors[`title:${p.tasks[0].key}`]).toContain("不能为空");
    expect(invalid.data.selection.tasks[p.tasks[0].key].checked).toBe(true);
    expect(invalid.data.selection.tasks[p.tasks[1].key].checked).toBe(false);

    const forgedKey = new URLSearchParams({ intent: "commit", fileName: p.fileName, encodedText: p.encodedText, planYear: "2027" });
    forgedKey.append("task", "plan:九.9");
    expect((await send(forgedKey)).status).toBe(400);

    const forgedText = new URLSearchParams({ intent: "commit", fileName: p.fileName, encodedText: "not base64!", planYear: "2027" });
    expect((await send(forgedText)).status).toBe(400);

    const forgedUnit = new URLSearchParams({ intent: "commit", fileName: p.fileName, encodedText: p.encodedText, planYear: "2027" });
    forgedUnit.append("task", p.tasks[0].key);
    forgedUnit.append(`title:${p.tasks[0].key}`, "甲");
    forgedUnit.append(`lead:${p.tasks[0].key}`, "99999");
    const badUnit = await send(forgedUnit);
    expect(badUnit.status).toBe(400);
    expect(badUnit.data.errors[`lead:${p.tasks[0].key}`]).toContain("不存在");

    expect(await counts()).toEqual(before);
    expect(await getDb().selectFrom("plans").select("id").where("year", "=", 2027).executeTakeFirst()).toBeUndefined();
  });
});
