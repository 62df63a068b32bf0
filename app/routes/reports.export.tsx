// 填报情况 as an .xlsx list: one row per task × unit cell of the week, with its status.
import { createRequire } from "node:module";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { STATUS_LABELS } from "~/lib/board";
import { CELL_STATUS_LABELS } from "~/lib/updates";
import { formatDateTime, isWeekKey, weekKeyOf, weekLabel } from "~/lib/weeks";
import { getWeekMatrix } from "~/models/reports.server";
import { loadPlanPage } from "~/utils/plan-page.server";
import { badRequest, notFound } from "~/lib/refusal";

// Loaded with require on first use, not with import(): tsx (which runs the server) rewrites
// every file holding an import() expression and keeps a source map of it, and the server
// build is one large file (about +50 MB RSS).
const loadPackage = createRequire(import.meta.url);

export async function loader(args: LoaderFunctionArgs) {
  const now = new Date();
  const { url, db, plan } = await loadPlanPage(args, "urge", now);
  if (!plan) notFound("没有找到该年度计划。");
  const week = url.searchParams.get("week") ?? weekKeyOf(now);
  if (!isWeekKey(week) || week > weekKeyOf(now)) badRequest("周次无效，请回到填报情况页重新选择。");
  const matrix = await getWeekMatrix(db, plan.id, week, now);
  const units = new Map(matrix.units.map((u) => [u.id, u.name]));

  // exceljs is loaded on the first export, not at server start: it is large and rarely used.
  const ExcelJS = loadPackage("exceljs") as typeof import("exceljs");
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet("填报情况");
  sheet.addRow([`${plan.title} 填报情况 ${weekLabel(week, plan.year)}`]);
  sheet.addRow([
    `已填报 ${matrix.totals.reported}，补报 ${matrix.totals.late}，未填报 ${matrix.totals.missing}；导出时间 ${formatDateTime(now)}`,
  ]);
  sheet.addRow([]);
  const header = sheet.addRow(["编号", "重点工作", "状态", "单位", "牵头/配合", "填报情况", "完成进度", "提交时间", "最近催办"]);
  header.font = { bold: true };
  const order = { missing: 0, late: 1, reported: 2 } as const;
  const cells = matrix.rows
    .flatMap((row) => row.cells.map((cell) => ({ row, cell })))
    .sort((a, b) => order[a.cell.status] - order[b.cell.status] || a.row.code.localeCompare(b.row.code));
  for (const { row, cell } of cells) {
    sheet.addRow([
      row.code,
      row.title,
      STATUS_LABELS[row.status],
      units.get(cell.unitId) ?? "",
      cell.role === "lead" ? "牵头单位" : "配合单位",
      CELL_STATUS_LABELS[cell.status].word,
      cell.progress == null ? "" : `${cell.progress}%`,
      cell.reportedAt ? formatDateTime(cell.reportedAt) : "",
      cell.lastUrgeAt ? formatDateTime(cell.lastUrgeAt) : "",
    ]);
  }
  sheet.columns.forEach((column, index) => {
    column.width = [10, 48, 10, 16, 10, 10, 10, 20, 20][index];
  });
  const buffer = await book.xlsx.writeBuffer();
  const fileName = `填报情况-${plan.year}-${week}.xlsx`;
  return new Response(new Uint8Array(buffer as ArrayBuffer), {
    headers: {
      "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": `attachment; filename*=UTF-8''${encodeURIComponent(fileName)}`,
      "Cache-Control": "private, no-store",
    },
  });
}
