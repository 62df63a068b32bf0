// The summary page's forms: generate, save a section (form post or autosave), restore, 定稿.
import { data, redirect } from "@remix-run/node";
import { z } from "zod";
import type { CurrentUser } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { parseForm, readIntent } from "~/utils/forms.server";
import { findPlanByYear } from "~/models/plans.server";
import { SECTION_KEYS, type SectionKey } from "~/lib/summary/types";
import { finalizeSummary, generateSummary, restoreSummaryVersion } from "~/routes/summary/summary.server";
import { saveSummarySection, type SaveResult, type SectionConflict } from "~/routes/summary/section-save.server";
import { type NextYearChoice } from "~/routes/summary/next-year.server";
import { badRequest, isRefusal, notFound } from "~/lib/refusal";

export const SUMMARY_INTENTS = ["generate", "save", "restore", "finalize"] as const;

export const MAX_SECTION_CHARS = 20000;

const count = (label: string) =>
  z.coerce
    .number({ error: `${label}无效，请刷新页面后重试。` })
    .int(`${label}无效。`)
    .min(0, `${label}无效。`);

const yearField = z.coerce.number({ error: "年度无效。" }).int("年度无效。").min(2000, "年度无效。").max(2199, "年度无效。");

const generateSchema = z.object({ year: yearField, expectedVersion: count("版本号") });
const saveSchema = z.object({
  year: yearField,
  key: z.enum(SECTION_KEYS as unknown as [SectionKey, ...SectionKey[]], { error: "无法识别要保存的部分，请刷新页面后重试。" }),
  heading: z.string({ error: "标题只能填写一项文字。" }).trim().max(40, "标题不能超过40个字。").optional(),
  body: z
    .string({ error: "请填写内容。" })
    .max(MAX_SECTION_CHARS, `内容不能超过${MAX_SECTION_CHARS}个字。`)
    .transform((s) =>
      s
        .replace(/\r\n?/g, "\n")
        .replace(/[ \t]+$/gm, "")
        .trim(),
    ),
  baseRev: count("修订号"),
  autosave: z.literal("1").optional(),
});
const restoreSchema = z.object({ year: yearField, version: count("版本号").min(1), expectedLatest: count("版本号") });
const finalizeSchema = z.object({ year: yearField, expectedLatest: count("版本号") });

export type SaveActionData =
  | ({ intent: "save"; ok: true; key: SectionKey } & SaveResult)
  | {
      intent: "save";
      ok: false;
      key: SectionKey | null;
      message: string;
      errors: Record<string, string>;
      values: Record<string, string>;
      conflict: SectionConflict | null;
    };

async function planIdOf(year: number): Promise<number> {
  const plan = await findPlanByYear(getDb(), year);
  if (!plan) notFound(`没有找到${year}年度计划。`);
  return plan.id;
}

function back(year: number, hash = "") {
  return redirect(`/summary?year=${year}${hash}`);
}

/** generate, restore and 定稿: the form checked, the change made to the year's plan, back to the page. */
async function onPlan<T extends z.ZodType<{ year: number }>>(
  formData: FormData,
  schema: T,
  change: (planId: number, form: z.infer<T>) => Promise<unknown>,
) {
  const form = parseForm(formData, schema);
  if (!form.ok) return badRequest(Object.values(form.errors)[0]);
  await change(await planIdOf(form.data.year), form.data);
  return back(form.data.year);
}

export async function handleSummaryAction(user: CurrentUser, formData: FormData) {
  const intent = readIntent(formData, SUMMARY_INTENTS);
  const db = getDb();

  if (intent === "generate") {
    return onPlan(formData, generateSchema, (planId, form) => generateSummary(db, user.id, planId, form.expectedVersion));
  }
  if (intent === "restore") {
    return onPlan(formData, restoreSchema, (planId, form) => restoreSummaryVersion(db, user.id, planId, form.version, form.expectedLatest));
  }
  if (intent === "finalize") {
    return onPlan(formData, finalizeSchema, (planId, form) => finalizeSummary(db, user.id, planId, form.expectedLatest));
  }

  // save
  const form = parseForm(formData, saveSchema);
  const key = SECTION_KEYS.find((k) => k === formData.get("key")) ?? null;
  // A refused save comes back to its section's form with the text kept.
  const refuseSave = (message: string, errors: Record<string, string>) =>
    data<SaveActionData>({ intent: "save", ok: false, key, message, errors, values: form.values, conflict: null }, { status: 400 });
  if (!form.ok) return refuseSave(Object.values(form.errors)[0], form.errors);
  if ((form.data.key === "title" || form.data.key === "signature") === false && form.data.body === "") {
    return refuseSave("这一部分不能为空。", { body: "这一部分不能为空。" });
  }
  if (form.data.key === "title" && (form.data.body === "" || form.data.body.includes("\n"))) {
    return refuseSave("标题须为一行文字。", { body: "标题须为一行文字。" });
  }
  const planId = await planIdOf(form.data.year);
  try {
    const result = await saveSummarySection(db, user, planId, {
      key: form.data.key,
      heading: form.data.heading ?? null,
      body: form.data.body,
      baseRev: form.data.baseRev,
    });
    if (!form.data.autosave) return back(form.data.year, `#section-${form.data.key}`);
    return data<SaveActionData>({ intent: "save", ok: true, key: form.data.key, ...result });
  } catch (error) {
    if (!isRefusal(error) || error.status !== 409) throw error;
    return data<SaveActionData>(
      {
        intent: "save",
        ok: false,
        key: form.data.key,
        message: error.message,
        errors: {},
        values: form.values,
        conflict: (error.details as SectionConflict | undefined) ?? null,
      },
      { status: 409 },
    );
  }
}

// ------------------------------------------------------------------ start next year

const refList = (prefix: string) =>
  z.preprocess(
    (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
    z
      .array(
        z
          .string({ error: "所选条目无效，请刷新页面后重试。" })
          .regex(new RegExp(`^${prefix}\\.\\d{1,2}$`), "所选条目无效，请刷新页面后重试。"),
      )
      .max(200, "所选条目过多，请刷新页面后重试。"),
  );

const nextYearSchema = z.object({
  year: yearField,
  planRef: refList("四"),
  problemRef: refList("三"),
  carryTask: z.preprocess(
    (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
    z
      .array(
        z.coerce
          .number({ error: "所选任务无效，请刷新页面后重试。" })
          .int("所选任务无效，请刷新页面后重试。")
          .positive("所选任务无效，请刷新页面后重试。"),
      )
      .max(500, "所选任务过多，请刷新页面后重试。"),
  ),
  includeUnreported: z.literal("1").optional(),
});

export type NextYearForm =
  { ok: true; year: number; choice: NextYearChoice } | { ok: false; message: string; values: Record<string, string> };

export function parseNextYearForm(formData: FormData): NextYearForm {
  const form = parseForm(formData, nextYearSchema);
  if (!form.ok) return { ok: false, message: Object.values(form.errors)[0], values: form.values };
  const { planRef, problemRef, carryTask, includeUnreported } = form.data;
  if (!planRef.length && !problemRef.length && !carryTask.length) {
    return { ok: false, message: "请至少选择一项重点工作、存在问题或结转任务。", values: form.values };
  }
  return {
    ok: true,
    year: form.data.year,
    choice: { planRefs: planRef, problemRefs: problemRef, carryTaskIds: carryTask, includeUnreportedMetrics: includeUnreported === "1" },
  };
}
