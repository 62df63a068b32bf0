/**
 * 延期申请: who may ask for a later 完成时限 and who decides, what a valid request is, and how
 * the card words it. Pure and client-safe: the task panel asks the same rules to show or hide
 * its forms, and the model enforces them on the server.
 */
import type { TaskStatus } from "~/lib/domain";
import { can, type Actor } from "~/utils/permissions";

export type ExtensionStatus = "pending" | "approved" | "refused";

export const EXTENSION_STATUS_LABELS: Record<ExtensionStatus, string> = {
  pending: "待审批",
  approved: "已批准",
  refused: "未同意",
};

export const EXTENSION_REASON_MAX = 500;
/** How far past the current 完成时限 (or today, when overdue) a request may reach (a typo like 2052 is refused). */
export const EXTENSION_MAX_DAYS = 366;

const DATE_KEY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * May the actor apply? Leaders and admins for any task; a secretary for a task their unit leads
 * (牵头单位): the lead unit answers for the deadline, a helping unit does not.
 */
export function mayApplyForExtension(actor: Actor, task: { leadUnitId: number | null }): boolean {
  if (can(actor, "tasks.manage")) return true;
  return actor.role === "secretary" && actor.unitId != null && actor.unitId === task.leadUnitId;
}

/** May the actor approve or refuse? The 责任领导 or any leader (and admins, who hold every leader right). */
export function mayDecideExtension(actor: Actor): boolean {
  return can(actor, "tasks.manage");
}

/** Why a task cannot take a request now; null when it can. */
export function extensionBlocker(task: { status: TaskStatus; planActive: boolean; hasPending: boolean }): string | null {
  if (!task.planActive) return "该年度计划已归档，不能再申请延期。";
  if (task.status === "done") return "这项重点工作已销号，无需延期。";
  if (task.hasPending) return "这项重点工作已有一份待审批的延期申请，请等待责任领导处理。";
  return null;
}

export type RequestCheck = { ok: true; dueDate: string; reason: string } | { ok: false; field: "dueDate" | "reason"; message: string };

/** Adds whole days to a date key. */
function addDays(key: string, days: number): string {
  const [y, m, d] = key.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/**
 * A request's new 完成时限 and reason: a real date, later than the current 完成时限 (or than
 * today when the task has none), at most a year past it; a reason of some substance.
 */
export function checkExtensionRequest(
  input: { dueDate: string; reason: string },
  current: { dueDate: string | null; today: string },
): RequestCheck {
  const dueDate = input.dueDate.trim();
  const reason = input.reason.trim();
  if (!DATE_KEY.test(dueDate) || addDays(dueDate, 0) !== dueDate) {
    return { ok: false, field: "dueDate", message: "请选择申请的完成时限（如 2025-09-30）。" };
  }
  const floor = current.dueDate ?? current.today;
  if (dueDate <= floor) {
    return {
      ok: false,
      field: "dueDate",
      message: current.dueDate ? "申请的完成时限须晚于现在的完成时限。" : "申请的完成时限须晚于今天。",
    };
  }
  if (dueDate < current.today) return { ok: false, field: "dueDate", message: "申请的完成时限不能早于今天。" };
  // A year past the current 完成时限, or past today for a task already overdue.
  if (dueDate > addDays(floor > current.today ? floor : current.today, EXTENSION_MAX_DAYS)) {
    return { ok: false, field: "dueDate", message: "申请的完成时限距现在的完成时限超过一年，请核对日期。" };
  }
  if ([...reason].length < 4) return { ok: false, field: "reason", message: "请写明申请延期的理由（至少4个字）。" };
  if ([...reason].length > EXTENSION_REASON_MAX) {
    return { ok: false, field: "reason", message: `理由不能超过${EXTENSION_REASON_MAX}个字。` };
  }
  return { ok: true, dueDate, reason };
}

/** A decision's text: a refusal needs its reason, an approval's note is optional. */
export function checkDecisionNote(
  decision: "approve" | "refuse",
  note: string,
): { ok: true; note: string } | { ok: false; message: string } {
  const text = note.trim();
  if (decision === "refuse" && [...text].length < 2) return { ok: false, message: "不同意延期须写明理由。" };
  if ([...text].length > EXTENSION_REASON_MAX) return { ok: false, message: `说明不能超过${EXTENSION_REASON_MAX}个字。` };
  return { ok: true, note: text };
}

/** "经批准延期2项" (empty when none): the phrase the 工作台账, the summary and the 通报 share. */
export function approvedExtensionsPhrase(count: number): string {
  return count > 0 ? `经批准延期${count}项` : "";
}
