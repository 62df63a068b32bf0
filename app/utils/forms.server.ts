// Form parsing with zod: field messages in Chinese, and the user's input handed back
// so a failed submit never loses what was typed.
import { z } from "zod";
import { MAX_ROW_ID } from "../lib/row-id";
import { badRequest } from "~/lib/refusal";

export type FieldErrors = Record<string, string>;

export interface FormFailure {
  ok: false;
  errors: FieldErrors;
  values: Record<string, string>;
}

export interface FormSuccess<T> {
  ok: true;
  data: T;
  values: Record<string, string>;
}

export function formValues(formData: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of formData) {
    if (typeof value === "string" && !key.toLowerCase().includes("password")) values[key] = value;
  }
  return values;
}

export function parseForm<T extends z.ZodType>(
  formData: FormData,
  schema: T,
): FormSuccess<z.infer<T>> | FormFailure {
  const raw: Record<string, unknown> = {};
  for (const key of new Set(formData.keys())) {
    const all = formData.getAll(key);
    raw[key] = all.length > 1 ? all : all[0];
  }
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, data: result.data, values: formValues(formData) };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? "_form");
    errors[field] ??= issue.message;
  }
  return { ok: false, errors, values: formValues(formData) };
}

/** Reads the form body, answering 400 for a body that is not a form. */
export async function readForm(request: Request): Promise<FormData> {
  try {
    return await request.formData();
  } catch {
    return badRequest("提交的表单无法识别，请回到页面重新填写后提交。");
  }
}

/** Routes with several forms tell them apart by `intent`; an unknown one is a 400. */
export function readIntent<const T extends readonly string[]>(formData: FormData, intents: T): T[number] {
  const intent = formData.get("intent");
  if (typeof intent !== "string" || !intents.includes(intent)) {
    badRequest("无法识别的操作，请刷新页面后重试。");
  }
  return intent as T[number];
}

export const text = (label: string, max = 200) =>
  z
    .string({ error: `请填写${label}。` })
    .trim()
    .min(1, `请填写${label}。`)
    .max(max, `${label}不能超过${max}个字。`);

export const id = (label: string) =>
  z.coerce.number({ error: `${label}无效。` }).int(`${label}无效。`).positive(`${label}无效。`).max(MAX_ROW_ID, `${label}无效。`);
