// Downloads of an issued 督办通报: the 公文 .docx (GB/T 9704, the summary's writer) or the short
// Markdown version the group robots get.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { briefingLines, briefingMarkdown, briefingTitle } from "~/lib/briefing";
import { attachmentDisposition } from "~/lib/kpi-ledger";
import { notFound } from "~/lib/refusal";
import { gongwenDocxBuffer } from "~/lib/summary/docx";
import { requireBriefing } from "~/models/briefings.server";
import { requireUser } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { rowIdParam } from "~/utils/http.server";

const FORMATS = {
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  md: "text/markdown; charset=utf-8",
} as const;

export async function loader(args: LoaderFunctionArgs) {
  await requireUser(args, "urge");
  const format = args.params.format ?? "";
  if (!(format in FORMATS)) notFound("不支持的下载格式。可下载 .docx 或 .md。");
  const id = rowIdParam(args.params.briefingId, "没有找到这期督办通报。");
  const { content } = await requireBriefing(getDb(), id);
  const title = briefingTitle(content);
  const link = new URL(`/briefings?year=${content.year}&issue=${id}`, args.request.url).toString();
  const body = format === "docx" ? new Uint8Array(await gongwenDocxBuffer(briefingLines(content), title)) : briefingMarkdown(content, link);
  return new Response(body, {
    headers: {
      "Content-Type": FORMATS[format as keyof typeof FORMATS],
      "Content-Disposition": attachmentDisposition(`${title}.${format}`),
      "Cache-Control": "no-store",
    },
  });
}
