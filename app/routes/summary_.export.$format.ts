// Downloads of the summary: .docx laid out per GB/T 9704, plain text, Markdown.
// ?year=2025 (the plan), optional &version=N (default: the latest version).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { summaryDocxBuffer } from "~/lib/summary/docx";
import { sectionOf, toMarkdown, toPlainText } from "~/lib/summary/text";
import { getLatestSummary, getSummaryVersion } from "~/routes/summary/summary.server";
import { requireUser } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { parsePlanYear, parseRowId } from "~/lib/row-id";
import { findSummaryPlan } from "~/models/plans.server";
import { badRequest, notFound } from "~/lib/refusal";

const FORMATS = {
  docx: { type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ext: "docx" },
  txt: { type: "text/plain; charset=utf-8", ext: "txt" },
  md: { type: "text/markdown; charset=utf-8", ext: "md" },
} as const;

export async function loader(args: LoaderFunctionArgs) {
  // Exporting is 导出总结: leaders and admins (DESIGN.md's roles table).
  await requireUser(args, "summary.manage");
  const format = args.params.format as keyof typeof FORMATS;
  if (!(format in FORMATS)) notFound("不支持的导出格式。可导出 .docx、.txt 或 .md。");
  const url = new URL(args.request.url);
  // Absent: the current plan's latest version; present but invalid: a 400.
  const yearValue = url.searchParams.get("year");
  const versionValue = url.searchParams.get("version");
  const year = yearValue === null ? null : parsePlanYear(yearValue);
  const version = versionValue === null ? null : parseRowId(versionValue);
  if ((yearValue !== null && year === null) || (versionValue !== null && version === null)) badRequest("年度或版本号无效。");
  const db = getDb();
  const plan = await findSummaryPlan(db, year);
  if (!plan) notFound("没有找到该年度计划。");
  const summary = version ? await getSummaryVersion(db, plan.id, version) : await getLatestSummary(db, plan.id);
  if (!summary) notFound(version ? `没有找到版本${version}。` : "该年度还没有总结草稿，请先生成。");
  const document = summary.content.document;
  const title = sectionOf(document, "title").body.trim() || `${plan.year}年工作总结`;
  const fileName = `${title}（版本${summary.version}${summary.status === "final" ? "·定稿" : ""}）.${FORMATS[format].ext}`;
  const body =
    format === "docx" ? new Uint8Array(await summaryDocxBuffer(document)) : format === "txt" ? toPlainText(document) : toMarkdown(document);
  return new Response(body, {
    headers: {
      "Content-Type": FORMATS[format].type,
      "Content-Disposition": `attachment; filename="summary.${FORMATS[format].ext}"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
      "Cache-Control": "no-store",
    },
  });
}
