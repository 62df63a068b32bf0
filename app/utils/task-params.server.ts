// What every route under a task's URL (/board/:taskId, /tasks/:taskId/…) reads the same way:
// the task id from the path, and the page to return to after a form post.
import { safeRedirectPath } from "~/utils/auth.server";
import { rowIdParam } from "~/utils/http.server";

/** The task id in the route's path; a malformed one is a 404 in Chinese. */
export const taskIdParam = (params: { taskId?: string }) => rowIdParam(params.taskId, "没有找到这项重点工作。");

/** Where a task's form returns to: the page it names (same site only), else the task's card. */
export function taskBackPath(value: FormDataEntryValue | string | null, taskId: number): string {
  const path = safeRedirectPath(typeof value === "string" ? value : null);
  return path === "/" ? `/board/${taskId}` : path;
}
