// 延期申请 on a task: apply (its 牵头单位 or a leader), approve or refuse (a leader). Posted from
// the card's detail: with JavaScript through a fetcher that shows the answer in place; without
// it, success redirects back to the card and a refusal renders this page with the message.
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { formatDate } from "~/lib/weeks";
import { applyForExtension, decideExtension } from "~/models/extensions.server";
import { getDb } from "~/utils/db.server";
import { parseForm } from "~/utils/forms.server";
import { refusalOf } from "~/utils/http.server";
import { ExtensionApplySchema, ExtensionDecideSchema } from "~/routes/board/extension-forms.server";
import { taskPostPage } from "~/utils/task-params.server";
import { readTaskPost } from "~/utils/task-post.server";
import { SAME_ORIGIN_REFERRER } from "~/components/page-meta";

export const meta: MetaFunction = () => [{ title: "延期申请 · 年度重点工作看板" }, SAME_ORIGIN_REFERRER];

export async function loader(args: LoaderFunctionArgs) {
  // The requests live on the card; this page only shows a refused request.
  return taskPostPage(args);
}

export type ExtensionActionData =
  | { ok: true; intent: "apply" | "approve" | "refuse"; message: string }
  | { ok: false; intent: "apply" | "approve" | "refuse"; message: string; field: string | null; back: string };

const INTENT_TITLES = { apply: "未能提交延期申请", approve: "未能批准延期", refuse: "未能处理延期申请" } as const;

export async function action(args: ActionFunctionArgs) {
  const { user, taskId, formData, intent, back, byFetcher } = await readTaskPost(args, ["apply", "approve", "refuse"]);
  const refuse = (status: number, message: string, field: string | null = null) =>
    data<ExtensionActionData>({ ok: false, intent, message, field, back }, { status });

  try {
    let message: string;
    if (intent === "apply") {
      const parsed = parseForm(formData, ExtensionApplySchema);
      if (!parsed.ok) return refuse(400, Object.values(parsed.errors)[0], Object.keys(parsed.errors)[0]);
      await applyForExtension(getDb(), user, { taskId, ...parsed.data });
      message = `延期申请已提交（申请延至${formatDate(parsed.data.dueDate)}），等待责任领导审批。`;
    } else {
      const parsed = parseForm(formData, ExtensionDecideSchema);
      if (!parsed.ok) return refuse(400, Object.values(parsed.errors)[0], Object.keys(parsed.errors)[0]);
      const outcome = await decideExtension(getDb(), user, {
        extensionId: parsed.data.extensionId,
        decision: intent,
        note: parsed.data.note,
      });
      if (outcome.taskId !== taskId) return refuse(400, "延期申请不属于这项重点工作，请刷新页面后重试。");
      message =
        intent === "approve" ? `已批准延期，完成时限改为${outcome.dueDate ? formatDate(outcome.dueDate) : "—"}。` : "已处理：不同意延期。";
    }
    if (!byFetcher) return redirect(back);
    return { ok: true, intent, message } satisfies ExtensionActionData;
  } catch (thrown) {
    const refusal = refusalOf(thrown);
    if (!refusal) throw thrown;
    const field = (refusal.detail as { field?: string } | undefined)?.field ?? null;
    return refuse(refusal.status, refusal.message, field);
  }
}

/** Only reached without JavaScript, after a refusal: the message and a way back. */
export default function ExtensionRefused() {
  const { back } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <section className="page narrow">
      <h1>{result && !result.ok ? INTENT_TITLES[result.intent] : "延期申请"}</h1>
      {result && !result.ok ? (
        <p className="form-error" role="alert">
          {result.message}
        </p>
      ) : (
        <p>延期申请在重点工作的详情中提交和审批。</p>
      )}
      <p>
        <Link to={result && !result.ok ? result.back : back}>返回重点工作</Link>
      </p>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
