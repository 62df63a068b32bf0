/**
 * Weekly 填报 rules that need no database: reading a metric value as people type it, the
 * status of a task × unit cell for a week, who may still edit an update, the progress rule,
 * and @unit mentions in comments. Pure and client-safe; the server enforces every rule.
 */
import { isCnNumeralChar, magnitudeMultiplier, parseCnNumber, scale } from "~/lib/importer/numerals";
import { isPercentUnit } from "~/lib/metric-numbers";
import { weekKeyOf, weekRange } from "~/lib/weeks";

// ---------------------------------------------------------------- metric values

/** What a unit writes in its weekly 填报. */
export interface UpdateFields {
  body: string;
  progress: number;
  nextSteps: string;
  blockers: string;
  needsCoordination: boolean;
}

export interface ValueTarget {
  /** The metric's unit, e.g. "件", "万元", "%". */
  unit: string;
  /** The year's target; a value far beyond it is a typo. */
  target: number | null;
}

export type ParsedValue = { ok: true; value: number } | { ok: false; message: string };

/** Largest value anyone can mean in a weekly report (guards against pasted ids and typos). */
export const MAX_METRIC_VALUE = 1e9;
/** A single report larger than this multiple of the yearly target is refused as a typo. */
export const MAX_TARGET_MULTIPLE = 100;
const MAX_PERCENT_VALUE = 1000;

const FULL_WIDTH_DIGITS = /[０-９．，－＋]/g;

function halfWidth(text: string): string {
  return text.replace(FULL_WIDTH_DIGITS, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0));
}

/** "1,226" / "1 226" / "1226件" / "１２２６" / "2.5万元" / "一千二百" → a number in the metric's unit. */
export function parseMetricValue(raw: string, metric: ValueTarget): ParsedValue {
  const unit = metric.unit.trim();
  let text = halfWidth(raw)
    .trim()
    .replace(/[\s\u00a0]+/g, "");
  if (text === "") return { ok: false, message: "请填写数值，或留空表示本周没有数据。" };
  if (/^[-−－]/.test(text) || text.startsWith("负")) {
    return { ok: false, message: "数值不能为负数。请填写本周实际完成的数量。" };
  }
  text = text.replace(/^[约近]/, "").replace(/^\+/, "");

  // Split number and suffix: Arabic digits with separators, or a Chinese numeral.
  let number: number;
  let suffix: string;
  const arabic = /^(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(.*)$/.exec(text);
  if (arabic) {
    number = Number(`${arabic[1].replace(/,/g, "")}${arabic[2] ?? ""}`);
    suffix = arabic[3];
  } else {
    let end = 0;
    while (end < text.length && isCnNumeralChar(text[end])) end++;
    const value = end > 0 ? parseCnNumber(text.slice(0, end)) : null;
    if (value === null) return { ok: false, message: `无法识别“${raw.trim()}”。请填写数字，例如 1226 或 1,226${unit}。` };
    number = value;
    suffix = text.slice(end);
  }
  if (suffix.startsWith("余") || suffix.startsWith("多")) suffix = suffix.slice(1);

  // The suffix may be the metric's unit, a magnitude before it (万 for 件), or part of it (万 for 万元).
  if (suffix !== "" && suffix !== unit) {
    const magnitude = /^([十百千万亿]+)(.*)$/.exec(suffix);
    if (magnitude && (magnitude[2] === unit || magnitude[2] === "") && !unit.startsWith(magnitude[1])) {
      number = scale(number, magnitudeMultiplier(magnitude[1]));
    } else if (!(unit.startsWith(suffix) || (isPercentUnit(unit) && isPercentUnit(suffix)))) {
      return { ok: false, message: `单位应为“${unit}”，您填写的是“${suffix}”。请换算后只填数字。` };
    }
  }

  if (!Number.isFinite(number)) return { ok: false, message: "数值无效，请重新填写。" };
  if (number > MAX_METRIC_VALUE) return { ok: false, message: "数值过大，请检查是否多输了位数。" };
  if (isPercentUnit(unit) && number > MAX_PERCENT_VALUE) {
    return { ok: false, message: `百分比数值过大（${number}%），请检查。` };
  }
  if (metric.target != null && metric.target > 0 && number > metric.target * MAX_TARGET_MULTIPLE) {
    return {
      ok: false,
      message: `数值${number}${unit}远超全年目标（${metric.target}${unit}），请检查是否多输了位数或单位有误。`,
    };
  }
  return { ok: true, value: Math.round(number * 1e6) / 1e6 };
}

// ---------------------------------------------------------------- progress

export interface ProgressCheck {
  ok: boolean;
  message?: string;
}

/**
 * % complete is a whole number 0–100. Going down from the unit's previous report is allowed
 * only with a note in 困难问题 saying why (a found defect, a re-scoped task).
 */
export function checkProgress(progress: number, previous: number | null, note: string): ProgressCheck {
  if (!Number.isInteger(progress) || progress < 0) return { ok: false, message: "完成进度应为0到100之间的整数。" };
  if (progress > 100) return { ok: false, message: "完成进度不能超过100%。" };
  if (previous != null && progress < previous && note.trim() === "") {
    return {
      ok: false,
      message: `完成进度比上次填报（${previous}%）低。如确需调低，请在“困难问题”中说明原因。`,
    };
  }
  return { ok: true };
}

// ---------------------------------------------------------------- weeks

export type CellStatus = "reported" | "late" | "missing";

export const CELL_STATUS_LABELS: Record<CellStatus, { word: string; shape: string }> = {
  reported: { word: "已填报", shape: "✔" },
  late: { word: "补报", shape: "◐" },
  missing: { word: "未填报", shape: "✕" },
};

/** Reported within its week (by Sunday 24:00 Shanghai), reported after it ended, or not at all. */
export function cellStatus(weekKey: string, firstReportedAt: Date | string | null): CellStatus {
  if (firstReportedAt == null) return "missing";
  return new Date(firstReportedAt).getTime() < weekRange(weekKey).end.getTime() ? "reported" : "late";
}

/** True while the week is still running (its Sunday has not ended in Shanghai). */
export function isWeekOpen(weekKey: string, now: Date): boolean {
  return weekKeyOf(now) <= weekKey;
}

export interface EditorRef {
  id: number;
  role: "admin" | "leader" | "secretary" | "viewer";
  unitId: number | null;
}

/**
 * An existing update may be changed by leaders and admins at any time, and during its own
 * week by its author or a colleague of the same unit (units share the weekly duty).
 */
export function mayEditUpdate(editor: EditorRef, update: { authorId: number; unitId: number; week: string }, now: Date): boolean {
  if (editor.role === "admin" || editor.role === "leader") return true;
  if (editor.role !== "secretary") return false;
  const sameUnit = editor.unitId === update.unitId || editor.id === update.authorId;
  return sameUnit && isWeekOpen(update.week, now);
}

// ---------------------------------------------------------------- 催办 and mentions

/** 催办 of the same unit about the same task is refused within this many hours. */
export const URGE_INTERVAL_HOURS = 24;

/** Unit names mentioned as "@东晟社区" in a comment, each once, in order of appearance. */
export function findMentions(body: string, unitNames: readonly string[]): string[] {
  const found: { name: string; at: number }[] = [];
  // Longest names first, so "@城东社区" never matches a shorter name that prefixes it.
  const names = [...unitNames].sort((a, b) => b.length - a.length);
  const taken = new Set<number>();
  for (const name of names) {
    let from = 0;
    for (;;) {
      const at = body.indexOf(`@${name}`, from);
      const atFull = body.indexOf(`＠${name}`, from);
      const hit = at < 0 ? atFull : atFull < 0 ? at : Math.min(at, atFull);
      if (hit < 0) break;
      from = hit + 1;
      if (taken.has(hit)) continue;
      taken.add(hit);
      if (!found.some((f) => f.name === name)) found.push({ name, at: hit });
    }
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.name);
}

// ---------------------------------------------------------------- attachments

export const ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;
export const ATTACHMENT_MAX_FILES = 5;
/** Whole request limit for the update form: the files plus the text fields. */
export const UPDATE_FORM_MAX_BYTES = ATTACHMENT_MAX_FILES * ATTACHMENT_MAX_BYTES + 512 * 1024;

export type AttachmentType = "image/png" | "image/jpeg" | "image/gif" | "image/webp" | "application/pdf";

/** The real type of a file, from its first bytes (never from its name or the browser's claim). */
export function sniffAttachmentType(head: Uint8Array): AttachmentType | null {
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "image/png";
  if (starts(0xff, 0xd8, 0xff)) return "image/jpeg";
  if (starts(0x47, 0x49, 0x46, 0x38)) return "image/gif";
  if (starts(0x52, 0x49, 0x46, 0x46) && head[8] === 0x57 && head[9] === 0x45 && head[10] === 0x42 && head[11] === 0x50) {
    return "image/webp";
  }
  if (starts(0x25, 0x50, 0x44, 0x46, 0x2d)) return "application/pdf";
  return null;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 102.4) / 10} KB`;
  return `${Math.round(bytes / (1024 * 102.4)) / 10} MB`;
}
