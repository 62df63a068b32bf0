// The 工作台账 as an .xlsx workbook (exceljs): tasks as offices keep them, the metrics, and one
// week's 填报情况. Headers in Chinese on a frozen first row, dates as dates, numbers as numbers,
// and light cells coloured (with the word, never colour alone).
import { createRequire } from "node:module";
import type ExcelJS from "exceljs";
import { ORIGIN_LABELS, STATUS_LABELS, type TaskOrigin } from "~/lib/board";
import { formatNumber } from "~/lib/metric-numbers";
import { METRIC_COLUMNS, REPORT_COLUMNS, TASK_COLUMNS, excelDate, excelDateTime, type LedgerColumn } from "~/lib/kpi-ledger";
import { DIRECTION_LABELS, METRIC_LIGHT_LABELS, aggregationLabel, type MetricLightKey } from "~/lib/kpi-report";
import { LIGHT_LABELS, type Light } from "~/lib/lights";
import { CELL_STATUS_LABELS } from "~/lib/updates";
import { formatDate, parseWeekKey, toDateKey, weekLabel } from "~/lib/weeks";
import { approvedExtensionsPhrase } from "~/lib/extensions";
import type { LedgerData } from "~/routes/kpi/ledger-data.server";
import { addListSheet, styleHeaderRow } from "~/routes/ledger/xlsx.server";

// Loaded with require on first use, not with import(): tsx (which runs the server) rewrites
// every file holding an import() expression and keeps a source map of it, and the server
// build is one large file (about +50 MB RSS).
const loadPackage = createRequire(import.meta.url);

const DATE_FORMAT = 'yyyy"年"m"月"d"日"';
const DATE_TIME_FORMAT = 'yyyy"年"m"月"d"日" hh:mm';

/** Fill and font colours of the lights' hues (the same as the web page's). */
const GREEN = { fill: "FFE7F5EC", font: "FF1B7F3B" };
const YELLOW = { fill: "FFFFF4D6", font: "FF9A6700" };
const RED = { fill: "FFFDECEA", font: "FFB42318" };
const GREY = { fill: "FFF3F4F6", font: "FF52606D" };

/** The hue of a task's or metric's light, or of a unit's 填报情况. */
const LIGHT_COLOURS: Record<MetricLightKey | Light | "missing" | "late" | "reported", { fill: string; font: string }> = {
  green: GREEN,
  reported: GREEN,
  yellow: YELLOW,
  late: YELLOW,
  red: RED,
  missing: RED,
  done: GREY,
  upcoming: GREY,
  none: GREY,
};

function colour(cell: ExcelJS.Cell, key: keyof typeof LIGHT_COLOURS) {
  const { fill, font } = LIGHT_COLOURS[key];
  cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: fill } };
  cell.font = { bold: true, color: { argb: font } };
}

function addSheet(book: ExcelJS.Workbook, name: string, columns: readonly LedgerColumn[]): ExcelJS.Worksheet {
  const sheet = addListSheet(book, name, 0);
  sheet.columns = columns.map((c) => ({ header: c.header, width: c.width }));
  const header = sheet.getRow(1);
  styleHeaderRow(header);
  header.eachCell((cell) => {
    cell.border = { bottom: { style: "thin", color: { argb: "FF9AA5B1" } } };
  });
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  return sheet;
}

function lightText(light: MetricLightKey | Light): string {
  if (light === "none") return `${METRIC_LIGHT_LABELS.none.shape} ${METRIC_LIGHT_LABELS.none.word}`;
  const label = LIGHT_LABELS[light];
  return light === "done" || !label.meaning ? `${label.shape} ${label.word}` : `${label.shape} ${label.word} ${label.meaning}`;
}

/** Each unit's text on its own line, e.g. "【党建工作办公室 第26周】完成…". */
function perUnit(
  latest: LedgerData["tasks"][number]["latest"],
  pick: (u: LedgerData["tasks"][number]["latest"][number]) => string,
): string {
  return latest
    .map((u) => ({ u, text: pick(u).trim() }))
    .filter(({ text }) => text !== "")
    .map(({ u, text }) => `【${u.unitName} 第${parseWeekKey(u.week).week}周】${text}`)
    .join("\n");
}

/** `extend` adds further sheets (the 计划台账 sheet with its hidden task ids). */
export async function buildLedgerWorkbook(data: LedgerData, now: Date, extend?: (book: ExcelJS.Workbook) => void): Promise<Buffer> {
  // exceljs is loaded on the first export, not at server start: it is large and rarely used.
  const Excel = loadPackage("exceljs") as typeof ExcelJS;
  const book = new Excel.Workbook();
  book.creator = data.plan.organization;
  book.title = `${data.plan.organization}${data.plan.year}年重点工作台账`;
  book.subject = `填报情况：${weekLabel(data.week)}`;
  book.created = now;

  // 1. 重点工作台账
  const tasks = addSheet(book, "重点工作台账", TASK_COLUMNS);
  data.tasks.forEach((task, index) => {
    const origin = ORIGIN_LABELS[task.origin as TaskOrigin] ?? task.origin;
    const row = tasks.addRow([
      index + 1,
      task.originRef ? `${origin}（${task.originRef}）` : origin,
      `${task.code} ${task.title}`,
      task.targets.length
        ? task.targets.map((t) => `${t.name}：${t.target === null ? "未设目标" : formatNumber(t.target, t.unit)}`).join("\n")
        : "",
      task.leader?.name ?? "",
      task.leadUnit ?? "",
      task.supportUnits.join("、"),
      task.dueDate ? excelDate(task.dueDate) : null,
      perUnit(task.latest, (u) => `${u.body}（完成${u.progress}%）`),
      perUnit(task.latest, (u) => u.blockers),
      perUnit(task.latest, (u) => u.nextSteps),
      lightText(task.light.light),
      STATUS_LABELS[task.status],
      task.doneAt ? excelDate(toDateKey(task.doneAt)) : null,
      task.extension
        ? `经批准延期${task.extension.count > 1 ? `${task.extension.count}次` : ""}（原定${task.extension.originalDueDate ? formatDate(task.extension.originalDueDate) : "未设定"}）`
        : "",
    ]);
    row.alignment = { vertical: "top", wrapText: true };
    row.getCell(8).numFmt = DATE_FORMAT;
    row.getCell(14).numFmt = DATE_FORMAT;
    const light = row.getCell(12);
    colour(light, task.light.light);
    if (task.light.reasons.length && task.light.light !== "done") light.note = task.light.reasons.join("；");
  });

  // The 延期申请 a leader approved, counted where the printed 台账 shows it: "经批准延期2项".
  const extended = data.tasks.filter((t) => t.extension).length;
  tasks.headerFooter.oddHeader = `&C${data.plan.organization}${data.plan.year}年重点工作台账${extended ? `（${approvedExtensionsPhrase(extended)}）` : ""}`;

  // 2. 指标
  const metrics = addSheet(book, "指标完成情况", METRIC_COLUMNS);
  data.metrics.forEach((m, index) => {
    const { evaluation } = m;
    const row = metrics.addRow([
      index + 1,
      m.category || "未分类",
      m.name,
      m.unit,
      m.taskCode ? `${m.taskCode} ${m.taskTitle}` : "街道年度指标",
      DIRECTION_LABELS[m.direction],
      aggregationLabel(m),
      m.baseline,
      m.target,
      evaluation.actual,
      evaluation.percent === null ? null : evaluation.percent / 100,
      evaluation.expected / 100,
      lightText(evaluation.light),
      evaluation.reasons.join("；"),
    ]);
    row.alignment = { vertical: "top", wrapText: true };
    for (const col of [8, 9, 10]) row.getCell(col).numFmt = "0.##";
    row.getCell(11).numFmt = "0.0%";
    row.getCell(12).numFmt = "0%";
    colour(row.getCell(13), evaluation.light);
  });

  // 3. 填报情况 of the week
  const reports = addSheet(book, `填报情况 第${parseWeekKey(data.week).week}周`, REPORT_COLUMNS);
  data.reports.forEach((r, index) => {
    const row = reports.addRow([
      index + 1,
      r.taskCode,
      r.taskTitle,
      r.unitName,
      r.role === "lead" ? "牵头单位" : "配合单位",
      `${CELL_STATUS_LABELS[r.status].shape} ${CELL_STATUS_LABELS[r.status].word}`,
      r.reportedAt ? excelDateTime(r.reportedAt) : null,
      r.progress === null ? null : r.progress / 100,
      r.lastUrgeAt ? excelDateTime(r.lastUrgeAt) : null,
    ]);
    row.alignment = { vertical: "top", wrapText: true };
    row.getCell(7).numFmt = DATE_TIME_FORMAT;
    row.getCell(8).numFmt = "0%";
    row.getCell(9).numFmt = DATE_TIME_FORMAT;
    colour(row.getCell(6), r.status);
  });

  extend?.(book);
  return Buffer.from(await book.xlsx.writeBuffer());
}
