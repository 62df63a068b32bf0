// The action side of the forms a task's card posts to other routes (comments and 催办, 延期申请);
// the loader side is taskPostPage in task-params.server.ts.
import type { ActionFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/utils/auth.server";
import { readForm, readIntent } from "~/utils/forms.server";
import { taskBackPath, taskIdParam } from "~/utils/task-params.server";

/**
 * What such a post carries: the reader, the task, the intent (one of `intents`, else a 400), the
 * page to return to, and whether a fetcher sent it (answered in place) or the browser without
 * JavaScript (redirected back on success).
 */
export async function readTaskPost<const T extends readonly string[]>(args: ActionFunctionArgs, intents: T) {
  const user = await requireUser(args, "read");
  const taskId = taskIdParam(args.params);
  const formData = await readForm(args.request);
  const intent = readIntent(formData, intents);
  const back = taskBackPath(formData.get("back"), taskId);
  const byFetcher = formData.get("fetcher") === "1";
  return { user, taskId, formData, intent, back, byFetcher };
}
