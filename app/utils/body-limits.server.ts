// How large a request body each route takes: small for ordinary forms, the upload size for the
// upload routes. The server refuses a longer body as it streams in (app/server/body-limit.ts);
// readForm checks again, so an action never reads more, whatever runs in front of it.
import { MAX_IMPORT_BYTES } from "~/lib/importer/errors";
import { LEDGER_XLSX_MAX_BYTES } from "~/lib/ledger-import";
import { UPDATE_FORM_MAX_BYTES } from "~/lib/updates";
import { PLAN_DOCUMENT_MAX_BYTES } from "~/models/plan-document.server";

const KB = 1024;
/** Any ordinary form: the largest (a task's edit form with its description) is a few KB. */
export const FORM_MAX_BYTES = 64 * KB;
/** The summary editor posts a whole section (up to 20,000 characters, 9 bytes each urlencoded). */
export const SUMMARY_FORM_MAX_BYTES = 512 * KB;
/** Room for the other fields of an upload form beside its file. */
const FORM_ROOM = 64 * KB;

const LIMITS: { path: RegExp; bytes: number }[] = [
  { path: /^\/import(\.data)?$/, bytes: MAX_IMPORT_BYTES + FORM_ROOM },
  { path: /^\/tasks\/[^/]+\/update(\.data)?$/, bytes: UPDATE_FORM_MAX_BYTES },
  { path: /^\/admin\/plans(\.data)?$/, bytes: PLAN_DOCUMENT_MAX_BYTES + FORM_ROOM },
  { path: /^\/summary(\/|_|\.data$|$)/, bytes: SUMMARY_FORM_MAX_BYTES },
  // The .xlsx import, and a confirmed preview that carries every changed cell back.
  { path: /^\/ledger(\.data)?$/, bytes: LEDGER_XLSX_MAX_BYTES + FORM_ROOM },
];

/** The most bytes a request body to this path may have. */
export function requestBodyLimit(path: string): number {
  return LIMITS.find((limit) => limit.path.test(path))?.bytes ?? FORM_MAX_BYTES;
}

export function formatLimit(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB` : `${Math.round(bytes / KB)} KB`;
}

export function bodyTooLargeMessage(limit: number): string {
  return `提交的内容超过${formatLimit(limit)}的上限，已被拒绝。请返回上一页，减少内容或附件后重新提交。`;
}
