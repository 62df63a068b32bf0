/**
 * 督办通报: the weekly or monthly bulletin a 街道督查室 issues. Pure: periods, the document model
 * built from a period's data (buildBriefing), its lines for the 公文 .docx writer
 * (briefingLines → gongwenDocxBuffer in ~/lib/summary/docx) and a short Markdown version for
 * group robots and e-mail (briefingMarkdown).
 *
 * The 督办灯 are the board's own rule (computeLight), evaluated as of the period's last day
 * with each task as it stood then (the caller reconstructs status, 完成时限 and progress).
 * This is the 督办 office's own paper, so it speaks the board's words (红灯, 黄灯, 销号),
 * unlike the year-end summary.
 */
import type { TaskStatus } from "~/lib/domain";
import { approvedExtensionsPhrase } from "~/lib/extensions";
import { computeLight, DEFAULT_LIGHT_THRESHOLDS, type Light, type LightThresholds } from "~/lib/lights";
import type { LineKind } from "~/lib/summary/text";
import { formatDate, isWeekKey, parseWeekKey, toDateKey, weekKeyOf, weekRange } from "~/lib/weeks";

export type PeriodKind = "week" | "month";

export const PERIOD_KIND_LABELS: Record<PeriodKind, string> = { week: "周报", month: "月报" };

export interface BriefingPeriod {
  kind: PeriodKind;
  /** "2025-W12" or "2025-03". */
  key: string;
  /** First and last day, "YYYY-MM-DD", both included. */
  start: string;
  end: string;
  /** "2025年第12周（3月17日至3月23日）", "2025年3月". */
  label: string;
}

const MONTH_KEY = /^(\d{4})-(\d{2})$/;

function monthDay(key: string): string {
  const [, m, d] = key.split("-").map(Number);
  return `${m}月${d}日`;
}

/** A period from its kind and key; null for anything malformed. */
export function parsePeriod(kind: string, key: string): BriefingPeriod | null {
  if (kind === "week") {
    if (!isWeekKey(key)) return null;
    const { year, week } = parseWeekKey(key);
    const { start, end } = weekRange(key);
    const first = toDateKey(start);
    const last = toDateKey(new Date(end.getTime() - 1));
    return { kind, key, start: first, end: last, label: `${year}年第${week}周（${monthDay(first)}至${monthDay(last)}）` };
  }
  if (kind === "month") {
    const match = MONTH_KEY.exec(key);
    if (!match) return null;
    const year = Number(match[1]);
    const month = Number(match[2]);
    if (month < 1 || month > 12 || year < 2000 || year > 2100) return null;
    const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
    return { kind, key, start: `${key}-01`, end: `${key}-${String(lastDay).padStart(2, "0")}`, label: `${year}年${month}月` };
  }
  return null;
}

/** The period of `kind` containing a day. */
export function periodOfDay(kind: PeriodKind, day: string): BriefingPeriod {
  return parsePeriod(kind, kind === "week" ? weekKeyOf(day) : day.slice(0, 7))!;
}

function dayBefore(day: string): string {
  const [y, m, d] = day.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d - 1)).toISOString().slice(0, 10);
}

/** The latest `count` periods that have ended by `today` (newest first): the page's choices. */
export function finishedPeriods(kind: PeriodKind, today: string, count: number): BriefingPeriod[] {
  const periods: BriefingPeriod[] = [];
  let day = dayBefore(periodOfDay(kind, today).start);
  while (periods.length < count) {
    const period = periodOfDay(kind, day);
    periods.push(period);
    day = dayBefore(period.start);
  }
  return periods;
}

// ---------------------------------------------------------------- input

/** A task as it stood at the end of the period. */
export interface BriefingTaskInput {
  id: number;
  code: string;
  title: string;
  leadUnit: string | null;
  leadUser: string | null;
  status: TaskStatus;
  startDate: string | null;
  dueDate: string | null;
  progress: number;
  lastUpdateWeek: string | null;
  createdAt: string;
  /** Calendar day of its 销号 (when done by the period's end). */
  doneDate: string | null;
}

export interface BriefingExtensionInput {
  taskId: number;
  code: string;
  title: string;
  leadUnit: string | null;
  oldDueDate: string | null;
  newDueDate: string;
  /** Calendar day of the approval. */
  approvedOn: string;
}

/** One task × unit × week that owed a 填报 in the period and did not report in its week. */
export interface BriefingMissedReport {
  unit: string;
  code: string;
  title: string;
  week: string;
  /** Reported after its week (补报). */
  late: boolean;
}

/** What names one issue of the 通报: who issues it, its number in the year, its period and date. */
export interface BriefingHead {
  organization: string;
  /** The 落款: "平东街道办事处". */
  issuer: string;
  /** The plan's year: issues are numbered within it. */
  year: number;
  number: number;
  period: BriefingPeriod;
  /** "YYYY-MM-DD": the 落款's date. */
  issueDate: string;
}

export interface BriefingInput extends BriefingHead {
  planStart: string;
  thresholds?: LightThresholds;
  tasks: BriefingTaskInput[];
  /** Approved in the period. */
  extensions: BriefingExtensionInput[];
  /** Task × unit × week cells owed in the period. */
  expectedReports: number;
  missedReports: BriefingMissedReport[];
}

// ---------------------------------------------------------------- the document model

export interface BriefingTaskLine {
  id: number;
  code: string;
  title: string;
  leadUnit: string | null;
  leadUser: string | null;
  light: Light;
  reasons: string[];
  progress: number;
  expectedProgress: number;
}

export interface BriefingUnitReports {
  unit: string;
  missing: { code: string; title: string; week: string }[];
  late: { code: string; title: string; week: string }[];
}

export interface BriefingContent extends BriefingHead {
  format: 1;
  totals: {
    tasks: number;
    done: number;
    pendingReview: number;
    inProgress: number;
    notStarted: number;
    green: number;
    yellow: number;
    red: number;
    upcoming: number;
    doneInPeriod: number;
    extended: number;
    expectedReports: number;
    missingReports: number;
    lateReports: number;
  };
  red: BriefingTaskLine[];
  yellow: BriefingTaskLine[];
  units: BriefingUnitReports[];
  extensions: BriefingExtensionInput[];
  done: { code: string; title: string; leadUnit: string | null; doneDate: string }[];
}

const byCode = <T extends { code: string }>(a: T, b: T) => a.code.localeCompare(b.code, "zh-CN", { numeric: true });

/** The 通报 of a period from its data: lights by the board's rule as of the period's last day. */
export function buildBriefing(input: BriefingInput): BriefingContent {
  const { period } = input;
  const thresholds = input.thresholds ?? DEFAULT_LIGHT_THRESHOLDS;
  const totals: BriefingContent["totals"] = {
    tasks: input.tasks.length,
    done: 0,
    pendingReview: 0,
    inProgress: 0,
    notStarted: 0,
    green: 0,
    yellow: 0,
    red: 0,
    upcoming: 0,
    doneInPeriod: 0,
    extended: input.extensions.length,
    expectedReports: input.expectedReports,
    missingReports: input.missedReports.filter((r) => !r.late).length,
    lateReports: input.missedReports.filter((r) => r.late).length,
  };
  const red: BriefingTaskLine[] = [];
  const yellow: BriefingTaskLine[] = [];
  const done: BriefingContent["done"] = [];
  const STATUS_TOTAL = { done: "done", pending_review: "pendingReview", in_progress: "inProgress", not_started: "notStarted" } as const;

  for (const task of [...input.tasks].sort(byCode)) {
    totals[STATUS_TOTAL[task.status]] += 1;
    const light = computeLight(
      {
        status: task.status,
        startDate: task.startDate,
        dueDate: task.dueDate,
        progress: task.progress,
        lastUpdateWeek: task.lastUpdateWeek,
        createdAt: task.createdAt,
      },
      { today: period.end, planStart: input.planStart, thresholds },
    );
    if (light.light !== "done") totals[light.light] += 1;
    const line: BriefingTaskLine = {
      id: task.id,
      code: task.code,
      title: task.title,
      leadUnit: task.leadUnit,
      leadUser: task.leadUser,
      light: light.light,
      reasons: light.reasons,
      progress: task.progress,
      expectedProgress: light.expectedProgress,
    };
    if (light.light === "red") red.push(line);
    if (light.light === "yellow") yellow.push(line);
    if (task.status === "done" && task.doneDate && task.doneDate >= period.start && task.doneDate <= period.end) {
      totals.doneInPeriod += 1;
      done.push({ code: task.code, title: task.title, leadUnit: task.leadUnit, doneDate: task.doneDate });
    }
  }

  const unitMap = new Map<string, BriefingUnitReports>();
  for (const report of input.missedReports) {
    const entry = unitMap.get(report.unit) ?? { unit: report.unit, missing: [], late: [] };
    (report.late ? entry.late : entry.missing).push({ code: report.code, title: report.title, week: report.week });
    unitMap.set(report.unit, entry);
  }
  // Most missing first; the callers' unit order otherwise.
  const units = [...unitMap.values()].sort((a, b) => b.missing.length + b.late.length - (a.missing.length + a.late.length));

  return {
    format: 1,
    organization: input.organization,
    issuer: input.issuer,
    year: input.year,
    number: input.number,
    period,
    issueDate: input.issueDate,
    totals,
    red,
    yellow,
    units,
    extensions: [...input.extensions].sort((a, b) => a.approvedOn.localeCompare(b.approvedOn) || byCode(a, b)),
    done,
  };
}

// ---------------------------------------------------------------- as text

/** "平东街道重点工作督办通报（2025年第12期）" */
export function briefingTitle(content: Pick<BriefingContent, "organization" | "year" | "number">): string {
  return `${content.organization}重点工作督办通报（${content.year}年第${content.number}期）`;
}

const CHINESE_NUMBERS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

function owner(task: { code: string; leadUnit: string | null; leadUser?: string | null }): string {
  const parts = [task.code, `牵头单位：${task.leadUnit ?? "未指定"}`];
  if (task.leadUser !== undefined) parts.push(`责任领导：${task.leadUser ?? "未指定"}`);
  return `（${parts.join("，")}）`;
}

function taskItem(line: BriefingTaskLine, index: number): string {
  const progress = `完成进度${line.progress}%，序时进度${line.expectedProgress}%`;
  return `${index + 1}.${line.title}${owner(line)}：${line.reasons.join("；")}；${progress}。`;
}

/** Each task once, with how many of the period's weeks it missed when more than one ("（4周）"). */
function reportList(items: { code: string; title: string }[]): string {
  const weeks = new Map<string, { title: string; count: number }>();
  for (const item of items) {
    const seen = weeks.get(item.code);
    if (seen) seen.count += 1;
    else weeks.set(item.code, { title: item.title, count: 1 });
  }
  return [...weeks].map(([code, { title, count }]) => `${code} ${title}${count > 1 ? `（${count}周）` : ""}`).join("；");
}

/** The 通报 as lines of a 公文 (title, 一、 headings, body, 落款) for the .docx writer. */
export function briefingLines(content: BriefingContent): { kind: LineKind; text: string }[] {
  const { totals, period } = content;
  const lines: { kind: LineKind; text: string }[] = [
    { kind: "title", text: `${content.organization}重点工作督办通报` },
    { kind: "title", text: `（${content.year}年第${content.number}期）` },
  ];
  const body = (text: string) => lines.push({ kind: "body", text });
  let section = 0;
  const heading = (text: string) => lines.push({ kind: "heading1", text: `${CHINESE_NUMBERS[section++]}、${text}` });

  body(`现将${period.label}${content.organization}重点工作推进情况通报如下。`);

  heading("总体情况");
  const statusParts = [
    `已销号${totals.done}项`,
    `待验收${totals.pendingReview}项`,
    `推进中${totals.inProgress}项`,
    `未启动${totals.notStarted}项`,
  ];
  const lightParts = [`绿灯（正常推进）${totals.green}项`, `黄灯（预警）${totals.yellow}项`, `红灯（滞后）${totals.red}项`];
  if (totals.upcoming > 0) lightParts.push(`未开始${totals.upcoming}项`);
  body(
    `截至${formatDate(period.end)}，纳入督办的重点工作共${totals.tasks}项，其中${statusParts.join("、")}。` +
      `未销号的重点工作中，${lightParts.join("、")}。` +
      `本期销号${totals.doneInPeriod}项，${approvedExtensionsPhrase(totals.extended) || "没有经批准延期的事项"}。`,
  );
  const missed = totals.missingReports + totals.lateReports;
  body(
    `本期应填报进展${totals.expectedReports}项次，按时填报${totals.expectedReports - missed}项次，未按时填报${missed}项次` +
      (totals.lateReports > 0 ? `（其中已补报${totals.lateReports}项次）。` : "。"),
  );

  heading("红灯事项（滞后）");
  if (content.red.length === 0) body("本期没有亮红灯的重点工作。");
  content.red.forEach((line, i) => body(taskItem(line, i)));

  heading("黄灯事项（预警）");
  if (content.yellow.length === 0) body("本期没有亮黄灯的重点工作。");
  content.yellow.forEach((line, i) => body(taskItem(line, i)));

  heading("未按时填报的单位");
  if (content.units.length === 0) body("本期各单位均按时填报了进展。");
  content.units.forEach((unit, i) => {
    const parts: string[] = [];
    if (unit.missing.length) parts.push(`未填报${unit.missing.length}项次（${reportList(unit.missing)}）`);
    if (unit.late.length) parts.push(`逾期补报${unit.late.length}项次（${reportList(unit.late)}）`);
    body(`${i + 1}.${unit.unit}：${parts.join("，")}。`);
  });

  heading("经批准延期的事项");
  if (content.extensions.length === 0) body("本期没有经批准延期的事项。");
  content.extensions.forEach((e, i) =>
    body(
      `${i + 1}.${e.title}${owner(e)}：完成时限由${e.oldDueDate ? formatDate(e.oldDueDate) : "未设定"}延至${formatDate(e.newDueDate)}，${formatDate(e.approvedOn)}批准。`,
    ),
  );

  heading("本期销号的事项");
  if (content.done.length === 0) body("本期没有销号的重点工作。");
  content.done.forEach((d, i) => body(`${i + 1}.${d.title}${owner(d)}，${formatDate(d.doneDate)}验收销号。`));

  heading("工作要求");
  body(
    "亮红灯、黄灯事项的牵头单位要对照原因制定整改措施，明确时间节点，加快推进；责任领导要加强调度，及时协调解决困难问题。" +
      "未按时填报的单位要于下周一前补报进展。经批准延期的事项，要按调整后的完成时限抓好落实，不得再次拖延。",
  );

  lines.push({ kind: "signature", text: content.issuer }, { kind: "signature", text: formatDate(content.issueDate) });
  return lines;
}

const MARKDOWN_LIST_MAX = 8;

/** Escapes what Markdown would read as syntax inside a line. */
function md(text: string): string {
  return text.replace(/([\\`*_[\]<>#|])/g, "\\$1");
}

function markdownTasks(title: string, lines: BriefingTaskLine[]): string[] {
  if (lines.length === 0) return [];
  const shown = lines
    .slice(0, MARKDOWN_LIST_MAX)
    .map((l) => `- ${md(l.code)} ${md(l.title)}（${md(l.leadUnit ?? "未指定")}）：${md(l.reasons[0] ?? "")}`);
  if (lines.length > MARKDOWN_LIST_MAX) shown.push(`- 等共${lines.length}项`);
  return [`**${title}**`, ...shown];
}

/**
 * A short version for a group robot or an e-mail (Chinese Markdown, a few hundred characters):
 * the figures, the red and yellow tasks (at most eight each), the units that did not report,
 * and a link to the full 通报 when given.
 */
export function briefingMarkdown(content: BriefingContent, link?: string): string {
  const { totals } = content;
  const out: string[] = [`**${md(briefingTitle(content))}**`, ""];
  out.push(
    `${content.period.label}：重点工作${totals.tasks}项，红灯${totals.red}项、黄灯${totals.yellow}项、绿灯${totals.green}项；` +
      `本期销号${totals.doneInPeriod}项${totals.extended ? `，${approvedExtensionsPhrase(totals.extended)}` : ""}；` +
      `未按时填报${totals.missingReports + totals.lateReports}项次。`,
  );
  const red = markdownTasks("红灯（滞后）", content.red);
  const yellow = markdownTasks("黄灯（预警）", content.yellow);
  if (red.length) out.push("", ...red);
  if (yellow.length) out.push("", ...yellow);
  if (content.units.length) {
    out.push("", `**未按时填报**：${content.units.map((u) => `${md(u.unit)}${u.missing.length + u.late.length}项次`).join("、")}`);
  }
  if (link) out.push("", `[查看通报全文](${link})`);
  return `${out.join("\n")}\n`;
}
