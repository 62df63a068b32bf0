// Form parsing with zod: field messages in Chinese, and the user's input handed back
// so a failed submit never loses what was typed.
import { z } from "zod";
import { MAX_ROW_ID } from "~/lib/row-id";
import { badRequest, isRefusal, payloadTooLarge } from "~/lib/refusal";
import { bodyTooLargeMessage, requestBodyLimit } from "~/utils/body-limits.server";

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

export function parseForm<T extends z.ZodType>(formData: FormData, schema: T): FormSuccess<z.infer<T>> | FormFailure {
  // One pass over the entries (getAll per key would make a form of n fields cost n²).
  const raw: Record<string, unknown> = Object.create(null);
  for (const [key, value] of formData) {
    const seen = raw[key];
    if (seen === undefined) raw[key] = value;
    else if (Array.isArray(seen)) seen.push(value);
    else raw[key] = [seen, value];
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

/**
 * More fields than any of our forms has (the largest, 年度总结's next-year choice and the
 * import preview, pass their own bound) is not a form a person filled in.
 */
export const MAX_FORM_FIELDS = 200;

export function tooManyFieldsMessage(maxFields: number): string {
  return `提交的表单字段过多（超过${maxFields}个），已被拒绝。请回到页面重新填写后提交。`;
}

/**
 * Reads the form body, answering 400 for a body that is not a form, and 413 for one longer
 * than its route takes (counted as it arrives) or with more than `maxFields` fields. A
 * urlencoded body (every form but the uploads) is counted before it is parsed.
 */
export async function readForm(request: Request, { maxFields = MAX_FORM_FIELDS } = {}): Promise<FormData> {
  const type = request.headers.get("Content-Type") ?? "";
  const body = await readBoundedBody(request);
  let formData: FormData;
  try {
    if (/^application\/x-www-form-urlencoded\b/i.test(type)) {
      const text = new TextDecoder().decode(body);
      if (countUrlencodedFields(text, maxFields) > maxFields) payloadTooLarge(tooManyFieldsMessage(maxFields));
      formData = new FormData();
      for (const [key, value] of new URLSearchParams(text)) formData.append(key, value);
      return formData;
    }
    formData = await new Response(body as Uint8Array<ArrayBuffer>, { headers: { "Content-Type": type } }).formData();
  } catch (error) {
    if (isRefusal(error)) throw error;
    return badRequest("提交的表单无法识别，请回到页面重新填写后提交。");
  }
  let fields = 0;
  for (const _entry of formData) if (++fields > maxFields) payloadTooLarge(tooManyFieldsMessage(maxFields));
  return formData;
}

async function readBoundedBody(request: Request): Promise<Uint8Array> {
  const limit = requestBodyLimit(new URL(request.url).pathname);
  if (Number(request.headers.get("Content-Length") ?? 0) > limit) payloadTooLarge(bodyTooLargeMessage(limit));
  if (!request.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => undefined);
        payloadTooLarge(bodyTooLargeMessage(limit));
      }
      chunks.push(value);
    }
  } catch (error) {
    if (isRefusal(error)) throw error;
    return badRequest("提交的表单无法识别，请回到页面重新填写后提交。");
  }
  return Buffer.concat(chunks, size);
}

/** Fields of a urlencoded body, counted up to `stopAfter` + 1 without parsing it. */
function countUrlencodedFields(body: string, stopAfter: number): number {
  let fields = 0;
  let start = 0;
  while (start <= body.length && fields <= stopAfter) {
    let end = body.indexOf("&", start);
    if (end < 0) end = body.length;
    if (end > start) fields++;
    start = end + 1;
  }
  return fields;
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
  z.coerce
    .number({ error: `${label}无效。` })
    .int(`${label}无效。`)
    .positive(`${label}无效。`)
    .max(MAX_ROW_ID, `${label}无效。`);
