// 开启下一年度: next year's plan from this year's final summary, in one transaction.
import { data, redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import type { ReactNode } from "react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { previewNextYear, startNextYear } from "~/routes/summary/next-year.server";
import summaryStyles from "~/styles/summary.css";
import { requireUser } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { readForm } from "~/utils/forms.server";
import { parseNextYearForm } from "~/routes/summary/actions.server";
import { parsePlanYear } from "~/lib/row-id";
import { findSummaryPlan } from "~/models/plans.server";
import { notFound } from "~/lib/refusal";
import { FormActions } from "~/routes/summary/form-actions";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: summaryStyles }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `开启${data?.preview.nextYear ?? ""}年度 · 年度重点工作看板` }];

const STATUS_LABELS: Record<string, string> = {
  not_started: "未启动",
  in_progress: "推进中",
  pending_review: "待验收",
  done: "已销号",
};

export async function loader(args: LoaderFunctionArgs) {
  await requireUser(args, "summary.manage");
  const plan = await findSummaryPlan(getDb(), parsePlanYear(new URL(args.request.url).searchParams.get("year")));
  if (!plan) notFound("没有找到该年度计划。");
  return { preview: await previewNextYear(getDb(), plan.id) };
}

export async function action(args: ActionFunctionArgs) {
  const user = await requireUser(args, "summary.manage");
  const form = parseNextYearForm(await readForm(args.request, { maxFields: 1000 }));
  if (!form.ok) return data({ message: form.message }, { status: 400 });
  const plan = await findSummaryPlan(getDb(), form.year);
  if (!plan) notFound("没有找到该年度计划。");
  const result = await startNextYear(getDb(), user.id, plan.id, form.choice);
  return redirect(`/board?year=${result.year}`);
}

export default function NextYearPage() {
  const { preview } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const pending = navigation.state === "submitting";
  const { plan, nextYear } = preview;
  const outlineOf = (ref: string) => preview.outlineItems.find((i) => i.ref === ref);
  const dateLabel = (key: string) => `${Number(key.slice(0, 4))}年${Number(key.slice(5, 7))}月${Number(key.slice(8, 10))}日`;
  return (
    <section className="page summary-page next-year">
      <h1>开启{nextYear}年度</h1>
      <p className="muted">
        以{plan.year}年工作总结{preview.finalVersion ? `（定稿版本${preview.finalVersion}）` : ""}为依据，一次性建立{nextYear}年度计划：
        “四、重点工作安排”的每一条成为重点工作，“三、存在问题”的每一条成为存在问题任务，未完成的任务可以结转； 指标随之带入，以{plan.year}
        年的实际完成值作为{nextYear}年的基数。
      </p>
      {preview.blocked ? (
        <div className="form-error" role="alert">
          <p>{preview.blocked}</p>
          <p>
            {preview.nextPlanExists ? (
              <Link to={`/board?year=${nextYear}`}>查看{nextYear}年看板</Link>
            ) : (
              <Link to={`/summary?year=${plan.year}`}>返回总结草稿</Link>
            )}
          </p>
        </div>
      ) : (
        <Form method="post" className="stack">
          <input type="hidden" name="year" value={plan.year} />
          {actionData?.message ? (
            <p className="form-error" role="alert">
              {actionData.message}
            </p>
          ) : null}
          <fieldset className="card choice-list">
            <legend>
              重点工作（来自{preview.fromOutline ? `${nextYear}年工作思路` : `“四、${nextYear}年重点工作安排”`}，{preview.planItems.length}
              项）
            </legend>
            {!preview.fromOutline ? (
              <p className="small">
                还没有填写<Link to={`/summary/outline?year=${plan.year}`}>{nextYear}年工作思路</Link>
                ：新任务的责任领导和牵头单位将按该类别今年的常用安排填写，完成时限为{nextYear}年12月31日。
              </p>
            ) : null}
            {preview.planItems.length === 0 ? <p className="muted">总结的第四部分没有条目。</p> : null}
            {preview.planItems.map((item) => (
              <Choice key={item.ref} name="planRef" item={item}>
                {item.carriedFrom ? <span className="tag">结转自 {item.carriedFrom.code}</span> : null}
                {outlineOf(item.ref) ? (
                  <span className="muted small outline-facts">
                    {" "}
                    {outlineOf(item.ref)!.category || "其他"} · 责任领导 {outlineOf(item.ref)!.leadUser ?? "未定"} · 牵头单位{" "}
                    {outlineOf(item.ref)!.leadUnit ?? "未定"} · 完成时限 {dateLabel(outlineOf(item.ref)!.dueDate)}
                    {outlineOf(item.ref)!.targets ? ` · ${outlineOf(item.ref)!.targets}项目标` : ""}
                  </span>
                ) : null}
              </Choice>
            ))}
          </fieldset>
          <fieldset className="card choice-list">
            <legend>存在问题（来自“三、存在问题”，{preview.problems.length}项）</legend>
            {preview.problems.length === 0 ? <p className="muted">总结的第三部分没有条目。</p> : null}
            {preview.problems.map((item) => (
              <Choice key={item.ref} name="problemRef" item={item} />
            ))}
          </fieldset>
          <fieldset className="card choice-list">
            <legend>
              其他未完成任务（{preview.unfinished.length}项，勾选的结转到{nextYear}年）
            </legend>
            {preview.unfinished.length === 0 ? <p className="muted">没有其他未完成的任务。</p> : null}
            {preview.unfinished.map((task) => (
              <label key={task.id} className="checkbox choice">
                <input
                  type="checkbox"
                  name="carryTask"
                  value={task.id}
                  defaultChecked={!preview.fromOutline && task.status !== "pending_review"}
                />
                <span>
                  <span className="muted small">{task.code}</span> {task.title}{" "}
                  <span className="muted small">
                    （{STATUS_LABELS[task.status] ?? task.status}，完成{task.progress}%）
                  </span>
                </span>
              </label>
            ))}
          </fieldset>
          <fieldset className="card choice-list">
            <legend>指标</legend>
            {preview.fromOutline ? (
              <p>各项工作的目标指标按工作思路带入，以{plan.year}年实际完成值为基数；其他指标不带入。</p>
            ) : (
              <p>
                {preview.metrics.withActual}项指标有{plan.year}年实际完成值，将作为{nextYear}年基数带入；目标值留待设定。
              </p>
            )}
            {!preview.fromOutline && preview.metrics.withoutActual > 0 ? (
              <label className="checkbox">
                <input type="checkbox" name="includeUnreported" value="1" />
                <span>同时带入{preview.metrics.withoutActual}项全年未填报的指标（基数留空）</span>
              </label>
            ) : null}
          </fieldset>
          <FormActions
            label={`建立${nextYear}年度计划`}
            pendingLabel="正在建立…"
            pending={pending}
            back={{ to: `/summary?year=${plan.year}`, label: "取消" }}
          />
        </Form>
      )}
    </section>
  );
}

/** One item of the summary to carry into the new plan, ticked at first. */
function Choice({ name, item, children }: { name: string; item: { ref: string; title: string }; children?: ReactNode }) {
  return (
    <label className="checkbox choice">
      <input type="checkbox" name={name} value={item.ref} defaultChecked />
      <span>
        <span className="muted small">{item.ref}</span> {item.title}
        {children}
      </span>
    </label>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
