/**
 * The 工作台账 download: its file name, the Content-Disposition that carries a Chinese name to
 * every browser (RFC 6266 with an RFC 5987 `filename*`), and the sheet layouts. Pure, so the
 * route, the workbook builder and the tests share one definition of the columns.
 */

/** "平东街道2025年重点工作台账_2025-06-30.xlsx" */
export function ledgerFileName(organization: string, year: number, dateKey: string): string {
  return `${organization}${year}年重点工作台账_${dateKey}.xlsx`;
}

/** RFC 5987 value-chars: everything else percent-encoded as UTF-8 (encodeURIComponent leaves ' ( ) * ! alone). */
function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*!]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * `attachment; filename="…"; filename*=UTF-8''…`: old clients read the ASCII fallback (non-ASCII
 * characters become "_", quotes and backslashes are dropped), current ones the UTF-8 name.
 */
export function attachmentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "");
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeRfc5987(fileName)}`;
}

export interface LedgerColumn {
  header: string;
  /** Width in characters (a CJK character counts about two). */
  width: number;
}

export const TASK_COLUMNS: readonly LedgerColumn[] = [
  { header: "序号", width: 6 },
  { header: "任务来源", width: 14 },
  { header: "工作任务", width: 40 },
  { header: "目标值及计量单位", width: 26 },
  { header: "责任领导", width: 10 },
  { header: "牵头单位", width: 16 },
  { header: "配合单位", width: 24 },
  { header: "完成时限", width: 16 },
  { header: "进展情况", width: 48 },
  { header: "存在问题", width: 30 },
  { header: "下步打算", width: 30 },
  { header: "督办灯", width: 14 },
  { header: "状态", width: 9 },
  { header: "办结时间", width: 16 },
  { header: "延期情况", width: 26 },
];

export const METRIC_COLUMNS: readonly LedgerColumn[] = [
  { header: "序号", width: 6 },
  { header: "类别", width: 16 },
  { header: "指标名称", width: 26 },
  { header: "计量单位", width: 9 },
  { header: "所属重点工作", width: 36 },
  { header: "考核方向", width: 14 },
  { header: "统计方式", width: 16 },
  { header: "上年基数", width: 12 },
  { header: "目标值", width: 12 },
  { header: "完成值", width: 12 },
  { header: "完成率", width: 10 },
  { header: "序时进度", width: 10 },
  { header: "督办灯", width: 14 },
  { header: "说明", width: 28 },
];

export const REPORT_COLUMNS: readonly LedgerColumn[] = [
  { header: "序号", width: 6 },
  { header: "编号", width: 10 },
  { header: "重点工作", width: 44 },
  { header: "单位", width: 16 },
  { header: "牵头/配合", width: 10 },
  { header: "填报情况", width: 10 },
  { header: "提交时间", width: 18 },
  { header: "完成进度", width: 10 },
  { header: "最近催办", width: 18 },
];

/**
 * A calendar day ("2025-06-30") or a Shanghai wall-clock time as the Date exceljs writes: Excel
 * has no time zones, and exceljs stores a Date's UTC fields, so the wall time goes into them.
 */
export function excelDate(dateKey: string): Date {
  const [y, m, d] = dateKey.slice(0, 10).split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d));
}

const SHANGHAI_OFFSET_MS = 8 * 3600_000; // China has kept UTC+8 all year since 1991

export function excelDateTime(instant: string | Date): Date {
  return new Date(new Date(instant).getTime() + SHANGHAI_OFFSET_MS);
}
