// Comments and 催办 on a task, posted from the card detail. With JavaScript the card posts here
// through a fetcher and shows the answer in place; without it, success redirects back to the
// card and a refusal renders this page with the message and the text kept.
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { formatDateTime } from "~/lib/weeks";
import { postComment, urgeUnit } from "~/models/comments.server";
import { CommentFormSchema, UrgeFormSchema } from "~/routes/tasks.$taskId.update/update-forms.server";
import { getDb } from "~/utils/db.server";
import { parseForm } from "~/utils/forms.server";
import { refusalOf } from "~/utils/http.server";
import { taskPostPage } from "~/utils/task-params.server";
import { readTaskPost } from "~/utils/task-post.server";
import { SAME_ORIGIN_REFERRER } from "~/components/page-meta";

export const meta: MetaFunction = () => [{ title: "评论与催办 · 年度重点工作看板" }, SAME_ORIGIN_REFERRER];

export async function loader(args: LoaderFunctionArgs) {
  // The thread lives on the card; this page only shows a refused comment or 催办.
  return taskPostPage(args);
}

export type CommentActionData =
  | { ok: true; intent: "comment" | "urge"; message: string }
  | { ok: false; intent: "comment" | "urge"; message: string; values: Record<string, string>; back: string };

export async function action(args: ActionFunctionArgs) {
  const { user, taskId, formData, intent, back, byFetcher } = await readTaskPost(args, ["comment", "urge"]);
  const refuse = (status: number, message: string, values: Record<string, string>) =>
    data<CommentActionData>({ ok: false, intent, message, values, back }, { status });

  try {
    if (intent === "comment") {
      const parsed = parseForm(formData, CommentFormSchema);
      if (!parsed.ok) return refuse(400, Object.values(parsed.errors)[0], parsed.values);
      const result = await postComment(getDb(), user, taskId, parsed.data.body);
      if (!byFetcher) return redirect(back);
      return {
        ok: true,
        intent,
        message: result.mentions.length ? `评论已发表，已提醒${result.mentions.join("、")}。` : "评论已发表。",
      } satisfies CommentActionData;
    }
    const parsed = parseForm(formData, UrgeFormSchema);
    if (!parsed.ok) return refuse(400, Object.values(parsed.errors)[0], parsed.values);
    const result = await urgeUnit(getDb(), user, { taskId, unitId: parsed.data.unitId, note: parsed.data.note });
    if (!result.ok) {
      return refuse(
        429,
        `今天已经催办过${result.unitName}（${formatDateTime(result.lastAt)}），同一单位同一项工作一天只催办一次，请明天再催。`,
        { unitId: String(parsed.data.unitId), note: parsed.data.note },
      );
    }
    if (!byFetcher) return redirect(back);
    return { ok: true, intent, message: `已催办${result.unitName}，对方会在“我的待办”中看到。` } satisfies CommentActionData;
  } catch (thrown) {
    const refusal = refusalOf(thrown);
    if (!refusal || refusal.status === 403) throw thrown;
    const values: Record<string, string> = {};
    for (const [key, value] of formData) if (typeof value === "string") values[key] = value;
    return refuse(refusal.status, refusal.message, values);
  }
}

/** Only reached without JavaScript, after a refusal: the message, the text, and a way back. */
export default function CommentRefused() {
  const { back } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  if (!result || result.ok) {
    return (
      <section className="page narrow">
        <h1>评论与催办</h1>
        <p>评论和催办在重点工作的详情中查看。</p>
        <p>
          <Link to={back}>返回重点工作</Link>
        </p>
      </section>
    );
  }
  return (
    <section className="page narrow">
      <h1>{result.intent === "urge" ? "未能催办" : "未能发表评论"}</h1>
      <p className="form-error" role="alert">
        {result.message}
      </p>
      {result.intent === "comment" ? (
        <Form method="post" className="stack">
          <input type="hidden" name="intent" value="comment" />
          <input type="hidden" name="back" value={result.back} />
          <label className="field">
            <span>评论</span>
            <textarea name="body" rows={4} defaultValue={result.values.body ?? ""} />
          </label>
          <button type="submit" className="button primary" disabled={navigation.state === "submitting"}>
            {navigation.state === "submitting" ? "正在发表…" : "发表评论"}
          </button>
        </Form>
      ) : null}
      <p>
        <Link to={result.back}>返回重点工作</Link>
      </p>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
