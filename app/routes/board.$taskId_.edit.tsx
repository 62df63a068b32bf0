// Editing every field of a task, metrics included, over the board. The row's version travels
// with the form and the save is merged field by field with what others saved meanwhile (see
// mergeEdit): only fields both changed are refused with 409, listed side by side at the form,
// to be settled one by one; everything the user typed is kept.
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation, useNavigate, useNavigation } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { FieldErrorLinks } from "~/components/error-summary";
import { fieldErrorsOf } from "~/components/field";
import { SelectField, labelledOptions, namedOptions } from "~/components/select-field";
import { TableHead } from "~/components/data-table";
import { ORIGIN_LABELS, type TaskOrigin } from "~/lib/board";
import { AGGREGATION_LABELS, DIRECTION_LABELS } from "~/lib/task-changes";
import { MERGE_KEYS, MERGE_LABELS, type MergeKey, type Resolution } from "~/lib/task-merge";
import { parseRowId } from "~/lib/row-id";
import { listUnits } from "~/models/units.server";
import { TaskEditSchema } from "~/routes/board/task-forms.server";
import { updateTask, type EditConflictDetail } from "~/routes/board/tasks.server";
import { listLeaders } from "~/routes/board/cards.server";
import { getTaskDetail } from "~/routes/board/task-detail.server";
import { requireUser } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { parseForm, readForm, readIntent } from "~/utils/forms.server";
import { refusalOf } from "~/utils/http.server";
import { todayKey } from "~/models/plans.server";
import { badRequest, notFound } from "~/lib/refusal";
import { TaskPanel, TaskPanelError } from "~/routes/board/task-panel";
import { taskIdParam } from "~/utils/task-params.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `编辑 ${data.task.code} · 看板` : "编辑重点工作 · 看板" }];

export async function loader(args: LoaderFunctionArgs) {
  await requireUser(args, "tasks.manage");
  const db = getDb();
  const detail = await getTaskDetail(db, taskIdParam(args.params), todayKey());
  if (!detail) notFound("没有找到这项重点工作，它可能已被删除。");
  if (detail.plan.status === "archived") badRequest("该年度计划已归档，不能再修改。");
  const [units, leaders] = await Promise.all([listUnits(db), listLeaders(db)]);
  return { task: { id: detail.card.id, ...detail.snapshot }, units, leaders };
}

type EditFailure = {
  errors: Record<string, string>;
  values: Record<string, string>;
  lists: Record<string, string[]>;
  conflict: ({ message: string } & EditConflictDetail) | null;
};

function failure(formData: FormData, errors: Record<string, string>, conflict: EditFailure["conflict"]): EditFailure {
  const values: Record<string, string> = {};
  const lists: Record<string, string[]> = {};
  for (const key of new Set(formData.keys())) {
    const all = formData.getAll(key).map(String);
    if (key.startsWith("metric") || key === "supportUnitIds") lists[key] = all;
    else values[key] = all[0] ?? "";
  }
  return { errors, values, lists, conflict };
}

export async function action(args: ActionFunctionArgs) {
  const user = await requireUser(args, "tasks.manage");
  const taskId = taskIdParam(args.params);
  const formData = await readForm(args.request);
  readIntent(formData, ["save"] as const);
  const parsed = parseForm(formData, TaskEditSchema);
  if (!parsed.ok) return data(failure(formData, parsed.errors, null), { status: 400 });
  // Conflicts already shown are settled field by field: resolve.title=mine|theirs.
  const resolutions: Partial<Record<MergeKey, Resolution>> = {};
  for (const key of MERGE_KEYS) {
    const value = formData.get(`resolve.${key}`);
    if (value === "mine" || value === "theirs") resolutions[key] = value;
  }
  let merged: string[] = [];
  try {
    const outcome = await updateTask(
      getDb(),
      user,
      taskId,
      parsed.data.version,
      {
        task: parsed.data.task as typeof parsed.data.task & { origin: TaskOrigin },
        metrics: parsed.data.metrics,
        deletedMetricIds: parsed.data.deletedMetricIds,
      },
      { seenVersion: parseRowId(formData.get("seenVersion")), resolutions },
    );
    merged = outcome.merged;
  } catch (thrown) {
    const refusal = refusalOf(thrown);
    if (!refusal) throw thrown;
    if (refusal.status === 409) {
      const detail = refusal.detail as EditConflictDetail | undefined;
      return data(
        failure(
          formData,
          {},
          {
            message: refusal.message,
            fields: detail?.fields ?? [],
            currentVersion: detail?.currentVersion ?? 0,
            merged: detail?.merged ?? [],
          },
        ),
        { status: 409 },
      );
    }
    return data(failure(formData, { _form: refusal.message }, null), { status: refusal.status });
  }
  const url = new URL(args.request.url);
  if (merged.length > 0) url.searchParams.set("merged", merged.join("、"));
  return redirect(`/board/${taskId}${url.search}`);
}

const ORIGINS: TaskOrigin[] = ["key_work", "problem", "manual", "carried_over"];
const DIRECTIONS = Object.keys(DIRECTION_LABELS) as (keyof typeof DIRECTION_LABELS)[];
const AGGREGATIONS = Object.keys(AGGREGATION_LABELS) as (keyof typeof AGGREGATION_LABELS)[];

interface MetricRow {
  id: string;
  name: string;
  unit: string;
  baseline: string;
  target: string;
  direction: string;
  aggregation: string;
}

const BLANK_ROW: MetricRow = { id: "", name: "", unit: "", baseline: "", target: "", direction: "up", aggregation: "sum" };

export default function EditTask() {
  const { task, units, leaders } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const navigate = useNavigate();
  const location = useLocation();
  const saving = navigation.state === "submitting";
  const errors: Record<string, string> = actionData?.errors ?? {};
  const values: Record<string, string> = actionData?.values ?? {};
  const lists: Record<string, string[]> = actionData?.lists ?? {};
  const conflict = actionData?.conflict ?? null;
  const detailHref = `/board/${task.id}${location.search}`;

  const initialRows: MetricRow[] = lists.metricName
    ? lists.metricName.map((name, i) => ({
        id: lists.metricId?.[i] ?? "",
        name,
        unit: lists.metricUnit?.[i] ?? "",
        baseline: lists.metricBaseline?.[i] ?? "",
        target: lists.metricTarget?.[i] ?? "",
        direction: lists.metricDirection?.[i] ?? "up",
        aggregation: lists.metricAggregation?.[i] ?? "sum",
      }))
    : [
        ...task.metrics.map((m) => ({
          id: String(m.id),
          name: m.name,
          unit: m.unit,
          baseline: m.baseline == null ? "" : String(m.baseline),
          target: m.target == null ? "" : String(m.target),
          direction: m.direction,
          aggregation: m.aggregation,
        })),
        BLANK_ROW,
      ];
  const [extraRows, setExtraRows] = useState(0);
  const rows = [...initialRows, ...Array.from({ length: extraRows }, () => BLANK_ROW)];
  const supportSelected = new Set((lists.supportUnitIds ?? task.supportUnits.map((u) => String(u.id))).map(String));
  // The version the form was drawn from stays: the next save is merged against it again.
  const version = values.version ?? String(task.version);
  const feedbackRef = useRef<HTMLDivElement>(null);

  // A refused save: the message is at the 保存 button, scrolled into view, focused and announced.
  useEffect(() => {
    if (!actionData || !feedbackRef.current) return;
    feedbackRef.current.scrollIntoView({ block: "center" });
    feedbackRef.current.focus();
  }, [actionData]);

  const { fieldError, invalid } = fieldErrorsOf(errors);
  // 责任领导 and 牵头单位: one of a list or none; a refused save shows the choice the user made.
  const chooseOne = (
    name: "leadUserId" | "leadUnitId",
    label: string,
    choices: { id: number; name: string }[],
    current: { id: number } | null,
  ) => (
    <SelectField
      name={name}
      label={label}
      defaultValue={values[name] ?? String(current?.id ?? "")}
      options={namedOptions(choices)}
      emptyLabel="未指定"
      error={errors[name]}
    />
  );

  return (
    <TaskPanel
      taskId={task.id}
      labelledBy="edit-title"
      onKeyDown={(event) => {
        if (event.key === "Escape" && event.target === event.currentTarget) navigate(detailHref, { preventScrollReset: true });
      }}
    >
      <header className="detail-head">
        <p className="task-card-meta">
          <span className="task-code">{task.code}</span>
        </p>
        <h2 id="edit-title">编辑重点工作</h2>
        <Link to={detailHref} className="button secondary small detail-close" preventScrollReset>
          取消
        </Link>
      </header>

      <Form method="post" className="stack edit-form" noValidate preventScrollReset>
        <input type="hidden" name="intent" value="save" />
        <input type="hidden" name="version" value={version} />
        {conflict ? <input type="hidden" name="seenVersion" value={conflict.currentVersion} /> : null}
        <label className="field">
          <span>名称</span>
          <input name="title" defaultValue={values.title ?? task.title} maxLength={120} {...invalid("title")} />
          {fieldError("title")}
        </label>
        <label className="field">
          <span>工作说明</span>
          <textarea name="description" rows={3} defaultValue={values.description ?? task.description} {...invalid("description")} />
          {fieldError("description")}
        </label>
        <div className="form-row">
          <label className="field">
            <span>类别</span>
            <input
              name="category"
              defaultValue={values.category ?? task.category}
              maxLength={30}
              placeholder="如 经济发展、民生保障"
              {...invalid("category")}
            />
            {fieldError("category")}
          </label>
          <SelectField
            name="origin"
            label="来源"
            defaultValue={values.origin ?? task.origin}
            options={labelledOptions(ORIGINS, ORIGIN_LABELS)}
          />
          <label className="field">
            <span>来源编号（如 四.5）</span>
            <input name="originRef" defaultValue={values.originRef ?? task.originRef ?? ""} maxLength={20} {...invalid("originRef")} />
            {fieldError("originRef")}
          </label>
        </div>
        <div className="form-row">
          {chooseOne("leadUserId", "责任领导", leaders, task.leadUser)}
          {chooseOne("leadUnitId", "牵头单位", units, task.leadUnit)}
        </div>
        <fieldset className="field unit-checks" aria-describedby={errors.supportUnitIds ? "supportUnitIds-error" : undefined}>
          <legend>配合单位</legend>
          <div className="unit-check-grid">
            {units.map((unit) => (
              <label key={unit.id} className="checkbox">
                <input type="checkbox" name="supportUnitIds" value={unit.id} defaultChecked={supportSelected.has(String(unit.id))} />
                {unit.name}
              </label>
            ))}
          </div>
          {fieldError("supportUnitIds")}
        </fieldset>
        <div className="form-row">
          <label className="field">
            <span>开始日期（不填则从年初算起）</span>
            <input type="date" name="startDate" defaultValue={values.startDate ?? task.startDate ?? ""} {...invalid("startDate")} />
            {fieldError("startDate")}
          </label>
          <label className="field">
            <span>完成时限</span>
            <input type="date" name="dueDate" defaultValue={values.dueDate ?? task.dueDate ?? ""} {...invalid("dueDate")} />
            {fieldError("dueDate")}
          </label>
        </div>

        <fieldset className="metrics-editor">
          <legend>指标（清空名称即删除该指标）</legend>
          {errors.metrics ? (
            <p className="field-error" id="metrics-error" role="alert">
              {errors.metrics}
            </p>
          ) : null}
          <div className="metric-rows">
            {rows.map((row, index) => (
              <div key={`${row.id}-${index}`} className="metric-row" role="group" aria-label={`第${index + 1}行指标`}>
                <input type="hidden" name="metricId" value={row.id} />
                <label className="field grow">
                  <span>名称</span>
                  <input name="metricName" defaultValue={row.name} maxLength={40} />
                </label>
                <label className="field small-input">
                  <span>单位</span>
                  <input name="metricUnit" defaultValue={row.unit} maxLength={10} />
                </label>
                <label className="field small-input">
                  <span>上年基数</span>
                  <input name="metricBaseline" defaultValue={row.baseline} inputMode="decimal" />
                </label>
                <label className="field small-input">
                  <span>目标</span>
                  <input name="metricTarget" defaultValue={row.target} inputMode="decimal" />
                </label>
                <SelectField
                  name="metricDirection"
                  label="方向"
                  defaultValue={row.direction}
                  options={labelledOptions(DIRECTIONS, DIRECTION_LABELS)}
                />
                <SelectField
                  name="metricAggregation"
                  label="汇总方式"
                  defaultValue={row.aggregation}
                  options={labelledOptions(AGGREGATIONS, AGGREGATION_LABELS)}
                />
              </div>
            ))}
          </div>
          <button type="button" className="button secondary small" onClick={() => setExtraRows((n) => n + 1)}>
            ＋ 再加一行指标
          </button>
        </fieldset>

        <div ref={feedbackRef} tabIndex={-1} className="form-feedback" role="alert">
          {conflict ? (
            <div className="form-error conflict">
              <p>
                <strong>{conflict.message}</strong>
              </p>
              <table className="conflict-table">
                <TableHead columns={["项目", "原来", "对方改为", "您改为"]} />
                <tbody>
                  {conflict.fields.map((f) => (
                    <tr key={f.key}>
                      <th scope="row">{f.field}</th>
                      <td>{f.before}</td>
                      <td>
                        <label>
                          <input type="radio" name={`resolve.${f.key}`} value="theirs" /> {f.theirs}
                        </label>
                      </td>
                      <td>
                        <label>
                          <input type="radio" name={`resolve.${f.key}`} value="mine" defaultChecked /> {f.mine}
                        </label>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {conflict.merged.length > 0 ? <p>他人同时修改的{conflict.merged.join("、")}会一并保留。</p> : null}
              <p>
                每一项选好保留哪一方后，再点“保存”；其余内容仍按您填写的保存。
                <Link to={detailHref} reloadDocument>
                  放弃我的修改，查看最新内容
                </Link>
                。
              </p>
            </div>
          ) : null}
          {errors._form ? <p className="form-error">{errors._form}</p> : null}
          {Object.keys(errors).length > 0 && !errors._form ? (
            <FieldErrorLinks
              errors={errors}
              labelOf={(name) => MERGE_LABELS[name as MergeKey] ?? "标红的项目"}
              lead={`有${Object.keys(errors).length}处需要修改：`}
            />
          ) : null}
        </div>

        <div className="dialog-actions">
          <button type="submit" className="button primary" disabled={saving}>
            {saving ? "正在保存…" : "保存"}
          </button>
          <Link to={detailHref} className="button secondary" preventScrollReset>
            取消
          </Link>
        </div>
      </Form>
    </TaskPanel>
  );
}

export function ErrorBoundary() {
  return <TaskPanelError />;
}
