// Expected failures, thrown as responses and rendered by the shared error boundary.
import { data } from "@remix-run/node";
import { parseRowId } from "../lib/row-id";

export interface ErrorPayload {
  message: string;
  /** Extra detail the page may show, e.g. what changed for a 409. */
  detail?: unknown;
}

function fail(status: number, message: string, detail?: unknown): never {
  throw data<ErrorPayload>({ message, detail }, { status });
}

export const badRequest = (message = "请求内容有误，请检查后重试。", detail?: unknown): never =>
  fail(400, message, detail);
export const forbidden = (message = "您没有权限进行此操作。如需开通，请联系系统管理员。"): never =>
  fail(403, message);
export const notFound = (message = "没有找到您要的内容，它可能已被删除。"): never => fail(404, message);
export const payloadTooLarge = (message: string): never => fail(413, message);
export const conflict = (message = "已被他人修改，请刷新后再试。", detail?: unknown): never =>
  fail(409, message, detail);

/** The row id in a URL segment such as /board/:taskId, or a 404 saying what was not found. */
export function rowIdParam(value: string | undefined, message: string): number {
  const id = parseRowId(value);
  return id ?? notFound(message);
}

/** A thrown or returned `data(…, { status })` (as `fail` throws them): its status and payload. */
export function thrownData(value: unknown): { status: number; data: Partial<ErrorPayload> | undefined } | null {
  if (typeof value !== "object" || value === null) return null;
  const tagged = value as { type?: unknown; data?: Partial<ErrorPayload>; init?: ResponseInit | null };
  if (tagged.type !== "DataWithResponseInit") return null;
  // Without a status Remix answers 500.
  return { status: tagged.init?.status ?? 500, data: tagged.data };
}

/** An expected failure thrown by a model (400/403/404/409): status, message and detail. */
export function refusalOf(thrown: unknown): { status: number; message: string; detail?: unknown } | null {
  const value = thrownData(thrown);
  if (!value || value.status >= 500) return null;
  return {
    status: value.status,
    message: typeof value.data?.message === "string" ? value.data.message : "操作未能完成，请刷新后重试。",
    detail: value.data?.detail,
  };
}
