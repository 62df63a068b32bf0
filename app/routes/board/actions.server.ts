// The board's intents: move (drag and drop, answered with just the moved card), moveTo (the
// no-JS form, answered with a redirect), quickAdd and thresholds.
import { parseRowId } from "~/lib/row-id";
import { data, redirect } from "@remix-run/node";
import { validateThresholds, type LightThresholds } from "~/lib/lights";
import { createTask } from "~/routes/board/tasks.server";
import { getMovedCard } from "~/routes/board/cards.server";
import { moveTask } from "~/routes/board/move.server";
import { MoveSchema, MoveToSchema, QuickAddSchema, ThresholdsFormSchema } from "~/routes/board/task-forms.server";
import type { CurrentUser } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { parseForm } from "~/utils/forms.server";
import { refusalOf } from "~/utils/http.server";
import { can } from "~/utils/permissions";
import { setPlanThresholds, todayKey } from "~/models/plans.server";
import { forbidden } from "~/lib/refusal";

export const BOARD_INTENTS = ["move", "moveTo", "quickAdd", "thresholds"] as const;

/** Where to go after a form on the board: back to the same view, never off-site. */
function backTo(formData: FormData): string {
  const back = formData.get("back");
  const search = typeof back === "string" && back.startsWith("?") && !back.includes("#") ? back : "";
  return `/board${search}`;
}

function firstError(errors: Record<string, string>): string {
  return Object.values(errors)[0] ?? "提交的内容有误，请检查后重试。";
}

const taskIdOf = (formData: FormData) => parseRowId(formData.get("taskId"));

export async function moveCard(user: CurrentUser, formData: FormData) {
  const taskId = taskIdOf(formData);
  const parsed = parseForm(formData, MoveSchema);
  if (!parsed.ok) {
    return data({ ok: false as const, intent: "move" as const, taskId, message: firstError(parsed.errors), status: 400 }, { status: 400 });
  }
  const { beforeId, afterId, toStatus, reason, version } = parsed.data;
  try {
    const db = getDb();
    const result = await moveTask(db, user, {
      taskId: parsed.data.taskId,
      toStatus: toStatus as never,
      place: { kind: "between", beforeId, afterId },
      reason,
      version,
    });
    const card = (await getMovedCard(db, result.plan, parsed.data.taskId, todayKey()))!;
    return { ok: true as const, intent: "move" as const, card, seqBefore: result.seqBefore, seqAfter: result.seqAfter };
  } catch (thrown) {
    const refusal = refusalOf(thrown);
    if (!refusal) throw thrown;
    return data(
      { ok: false as const, intent: "move" as const, taskId, message: refusal.message, status: refusal.status },
      { status: refusal.status },
    );
  }
}

export async function moveCardByForm(user: CurrentUser, formData: FormData) {
  const taskId = taskIdOf(formData);
  // The form's buttons name column and end together: target=in_progress:top.
  const target = formData.get("target");
  if (typeof target === "string" && target.includes(":")) {
    const [toStatus, place] = target.split(":");
    formData.set("toStatus", toStatus);
    formData.set("place", place);
  }
  const values = {
    toStatus: String(formData.get("toStatus") ?? ""),
    place: String(formData.get("place") ?? ""),
    reason: String(formData.get("reason") ?? ""),
  };
  const parsed = parseForm(formData, MoveToSchema);
  if (!parsed.ok) {
    return data({ ok: false as const, intent: "moveTo" as const, taskId, message: firstError(parsed.errors), values }, { status: 400 });
  }
  try {
    await moveTask(getDb(), user, {
      taskId: parsed.data.taskId,
      toStatus: parsed.data.toStatus as never,
      place: { kind: parsed.data.place },
      reason: parsed.data.reason,
      version: parsed.data.version,
    });
  } catch (thrown) {
    const refusal = refusalOf(thrown);
    if (!refusal) throw thrown;
    return data({ ok: false as const, intent: "moveTo" as const, taskId, message: refusal.message, values }, { status: refusal.status });
  }
  return redirect(backTo(formData));
}

export async function quickAdd(user: CurrentUser, formData: FormData) {
  if (!can(user, "tasks.manage")) forbidden("只有街道领导或系统管理员可以新建重点工作。");
  const parsed = parseForm(formData, QuickAddSchema);
  if (!parsed.ok) {
    return data(
      {
        ok: false as const,
        intent: "quickAdd" as const,
        status: String(formData.get("status") ?? ""),
        errors: parsed.errors,
        values: parsed.values,
      },
      { status: 400 },
    );
  }
  await createTask(getDb(), user, { planId: parsed.data.planId, title: parsed.data.title, status: parsed.data.status as never });
  return redirect(backTo(formData));
}

export async function saveThresholds(user: CurrentUser, formData: FormData) {
  if (!can(user, "tasks.manage")) forbidden("只有街道领导或系统管理员可以修改督办灯规则。");
  const parsed = parseForm(formData, ThresholdsFormSchema);
  const input: Partial<Record<keyof LightThresholds, unknown>> = {};
  for (const key of ["yellowBehind", "redBehind", "dueSoonDays", "silentWeeksYellow", "silentWeeksRed"] as const) {
    input[key] = String(formData.get(key) ?? "");
  }
  const checked = validateThresholds(input);
  if (!parsed.ok || !checked.ok) {
    const errors: Record<string, string> = {
      ...(parsed.ok ? {} : parsed.errors),
      ...(checked.ok ? {} : (checked.errors as Record<string, string>)),
    };
    return data({ ok: false as const, intent: "thresholds" as const, errors, values: parsed.values }, { status: 400 });
  }
  try {
    await setPlanThresholds(getDb(), user.id, parsed.data.planId, parsed.data.version, checked.thresholds);
  } catch (thrown) {
    const refusal = refusalOf(thrown);
    if (!refusal) throw thrown;
    return data(
      {
        ok: false as const,
        intent: "thresholds" as const,
        errors: { _form: refusal.message } as Record<string, string>,
        values: parsed.values,
      },
      { status: refusal.status },
    );
  }
  return redirect(backTo(formData));
}
