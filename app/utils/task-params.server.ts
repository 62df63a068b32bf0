// What every route under a task's URL (/board/:taskId, /tasks/:taskId/…) reads the same way:
// the task id from the path, and the page to return to after a form post.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser, safeRedirectPath } from "~/utils/auth.server";
import { rowIdParam } from "~/utils/http.server";

/** The task id in the route's path; a malformed one is a 404 in Chinese. */
export const taskIdParam = (params: { taskId?: string }) => rowIdParam(params.taskId, "没有找到这项重点工作。");

/** Where a task's form returns to: the page it names (same site only), else the task's card. */
export function taskBackPath(value: FormDataEntryValue | string | null, taskId: number): string {
  const path = safeRedirectPath(typeof value === "string" ? value : null);
  return path === "/" ? `/board/${taskId}` : path;
}

/**
 * The loader of a page a task's card posts to (comments, 延期申请): the page itself only shows a
 * refused post, so it needs the reader's right and the way back (`?back=`, else the card).
 */
export async function taskPostPage(args: LoaderFunctionArgs): Promise<{ back: string }> {
  await requireUser(args, "read");
  return { back: taskBackPath(new URL(args.request.url).searchParams.get("back"), taskIdParam(args.params)) };
}
