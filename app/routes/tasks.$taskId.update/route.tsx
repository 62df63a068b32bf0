// 每周进展填报: the mobile-first form for one task, one unit and one week. Plain POST with a
// redirect, so it works without JavaScript; with it, a draft is kept in the browser so a lost
// connection never loses the text.
import { parseRowId } from "~/lib/row-id";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { draftFieldsOf, draftIsStored, draftKeyOf, fillFormFields, type UpdateDraft } from "~/routes/tasks.$taskId.update/offline-draft";
import { FieldErrorLinks } from "~/components/error-summary";
import { updateFieldLabel } from "~/routes/tasks.$taskId.update/field-labels";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { fieldErrorsOf } from "~/components/field";
import { formatNumber } from "~/lib/metric-numbers";
import { ATTACHMENT_MAX_BYTES, ATTACHMENT_MAX_FILES, formatBytes, UPDATE_FORM_MAX_BYTES } from "~/lib/updates";
import { formatDateTime, weekLabel } from "~/lib/weeks";
import { checkFiles, filesOf } from "~/models/attachments.server";
import { parseUpdateForm } from "~/routes/tasks.$taskId.update/update-forms.server";
import { getUpdateForm, type ExistingUpdate } from "~/routes/tasks.$taskId.update/updates.server";
import { saveUpdate, UpdateFormRejected, type UpdateConflictDetail } from "~/routes/tasks.$taskId.update/save-update.server";
import { requireUser } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { readForm } from "~/utils/forms.server";
import { refusalOf } from "~/utils/http.server";
import { taskBackPath, taskIdParam } from "~/utils/task-params.server";
import { AttachmentLink } from "~/routes/tasks.$taskId.update/task-activity";
import { SAME_ORIGIN_REFERRER } from "~/components/page-meta";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `填报进展 · ${data.form.task.code} ${data.form.task.title}` : "填报进展 · 年度重点工作看板" },
  SAME_ORIGIN_REFERRER,
];

/** Where to return after saving: a path on this site, else the card's detail on the board. */
export async function loader(args: LoaderFunctionArgs) {
  const user = await requireUser(args, "updates.post");
  const taskId = taskIdParam(args.params);
  const url = new URL(args.request.url);
  const form = await getUpdateForm(getDb(), user, taskId, {
    week: url.searchParams.get("week"),
    unitId: parseRowId(url.searchParams.get("unit")),
    now: new Date(),
  });
  return {
    form,
    back: taskBackPath(url.searchParams.get("back"), taskId),
    canChooseUnit: user.role !== "secretary",
  };
}

type ActionFailure = {
  errors: Record<string, string>;
  values: Record<string, string>;
  current: ExistingUpdate | null;
};

export async function action(args: ActionFunctionArgs) {
  const user = await requireUser(args, "updates.post");
  const taskId = taskIdParam(args.params);
  const length = Number(args.request.headers.get("Content-Length") ?? "0");
  if (length > UPDATE_FORM_MAX_BYTES) {
    throw data(
      {
        message: `提交的内容超过${formatBytes(
          UPDATE_FORM_MAX_BYTES,
        )}。请返回上一页，减少或压缩佐证材料后重新提交（您填写的文字在返回后仍在）。`,
      },
      { status: 413 },
    );
  }
  const formData = await readForm(args.request);
  const textValues = Object.fromEntries([...formData].filter(([, v]) => typeof v === "string")) as Record<string, string>;
  const fail = (status: number, failure: Pick<ActionFailure, "errors"> & Partial<ActionFailure>) =>
    data<ActionFailure>({ values: textValues, current: null, ...failure }, { status });
  // Each file's size and type before anything is read; how many the 填报 holds is counted as it is saved.
  const files = await checkFiles(filesOf(formData, "attachments"));
  if (!files.ok) return fail(400, { errors: { attachments: files.message } });

  let merged: string[] = [];
  try {
    const week = formData.get("week");
    const key = formData.get("idempotencyKey");
    const saved = await saveUpdate(getDb(), user, {
      taskId,
      unitId: parseRowId(formData.get("unitId")),
      week: typeof week === "string" ? week : "",
      files: files.files,
      idempotencyKey: typeof key === "string" && /^[A-Za-z0-9_-]{8,64}$/.test(key) ? key : null,
      // Read in the saving transaction, against the task as it is then.
      readForm: ({ task, previousProgress }) => parseUpdateForm(formData, task, previousProgress),
    });
    merged = saved.merged ?? [];
  } catch (thrown) {
    if (thrown instanceof UpdateFormRejected) return fail(400, { errors: thrown.errors, values: thrown.values ?? textValues });
    const refusal = refusalOf(thrown);
    if (!refusal) throw thrown;
    const detail = refusal.detail as Partial<UpdateConflictDetail> | undefined;
    const current = (detail?.current as ExistingUpdate | undefined) ?? null;
    // Others' non-overlapping changes are merged into what the form shows again.
    return fail(refusal.status, { errors: { _form: refusal.message }, values: { ...textValues, ...detail?.values }, current });
  }
  // Others' changes kept by the merge are named on the page the user returns to.
  const back = taskBackPath(formData.get("back"), taskId);
  if (merged.length === 0) return redirect(back);
  const url = new URL(back, "http://local");
  url.searchParams.set("merged", merged.join("、"));
  return redirect(`${url.pathname}${url.search}${url.hash}`);
}

export default function UpdateFormPage() {
  const { form, back, canChooseUnit } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const formRef = useRef<HTMLFormElement>(null);
  const [draftAt, setDraftAt] = useState<string | null>(null);
  /** The version a restored draft was written against: its submit is merged from there. */
  const [draftVersion, setDraftVersion] = useState<string | null>(null);
  const { task, existing } = form;
  const errors = actionData?.errors ?? {};
  const values = actionData?.values ?? {};
  const submitting = navigation.state === "submitting" && navigation.formMethod?.toUpperCase() === "POST";
  const unit = task.units.find((u) => u.id === form.unitId)!;
  const readOnly = form.readOnlyReason != null;
  const draftKey = draftKeyOf(task.id, form.unitId, form.week);
  const value = (name: string, stored: string | number | null | undefined) => values[name] ?? (stored == null ? "" : String(stored));

  // One key per submission: a retry after a lost answer (or the automatic one when the network
  // returns) is recognised by the server and never stored twice. Made in the browser only.
  const [submissionKey, setSubmissionKey] = useState("");
  useEffect(() => {
    setSubmissionKey(`${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}${Math.random().toString(36).slice(2, 12)}`);
  }, [draftKey]);

  // A draft in this browser that was never saved (e.g. the connection dropped): restored in place.
  useEffect(() => {
    if (actionData) return; // the server handed the text back already
    try {
      const raw = window.localStorage.getItem(draftKey);
      if (!raw) return setDraftAt(null);
      const draft = JSON.parse(raw) as UpdateDraft;
      // The draft is dropped only when the stored 填报 holds exactly its text (it was sent); a
      // draft that differs is restored even if someone saved this week since: the save merges it.
      if (existing && draftIsStored(draft.fields, existing)) {
        window.localStorage.removeItem(draftKey);
        return setDraftAt(null);
      }
      if (restoreDraft()) {
        setDraftAt(draft.savedAt);
        setDraftVersion(draft.version ?? null);
      }
    } catch {
      setDraftAt(null);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [draftKey, existing]);

  // No network: the form stays, the text is kept in this browser, and it is sent by itself once
  // the connection is back (or on one tap), with the same key.
  const [offline, setOffline] = useState(false);
  const feedbackRef = useRef<HTMLDivElement>(null);
  const offlineRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!offline) return;
    offlineRef.current?.scrollIntoView({ block: "center" });
    offlineRef.current?.focus();
    const resend = () => {
      setOffline(false);
      formRef.current?.requestSubmit();
    };
    window.addEventListener("online", resend, { once: true });
    return () => window.removeEventListener("online", resend);
  }, [offline]);
  // A refused submit hands back the text to show, with others' merged changes filled in; it is
  // written into the fields: the next submit, from the newer version, must not carry older text back.
  useEffect(() => {
    if (actionData?.values && formRef.current) fillFormFields(formRef.current, actionData.values);
  }, [actionData]);
  // A refused submit: the message is scrolled into view, focused and announced.
  useEffect(() => {
    if (!actionData || !feedbackRef.current) return;
    feedbackRef.current.scrollIntoView({ block: "center" });
    feedbackRef.current.focus();
  }, [actionData]);

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    if (typeof navigator !== "undefined" && navigator.onLine === false) {
      event.preventDefault();
      keepDraft();
      setOffline(true);
    }
  }

  function keepDraft() {
    const element = formRef.current;
    if (!element || readOnly) return;
    const fields = draftFieldsOf(
      element,
      task.metrics.map((m) => m.id),
    );
    try {
      const version = (element.elements.namedItem("version") as HTMLInputElement | null)?.value ?? "";
      const draft: UpdateDraft = { savedAt: new Date().toISOString(), version, fields };
      window.localStorage.setItem(draftKey, JSON.stringify(draft));
    } catch {
      // Storage full or disabled: the server still hands the text back after a failed submit.
    }
  }

  function restoreDraft(): boolean {
    const element = formRef.current;
    const raw = window.localStorage.getItem(draftKey);
    if (!element || !raw) return false;
    fillFormFields(element, (JSON.parse(raw) as UpdateDraft).fields);
    return true;
  }

  function discardDraft() {
    window.localStorage.removeItem(draftKey);
    setDraftVersion(null);
    formRef.current?.reset();
    setDraftAt(null);
  }

  const { fieldError, invalid } = fieldErrorsOf(errors);

  return (
    <section className="page update-page">
      <p className="update-back">
        <Link to={back}>← 返回</Link>
      </p>
      <header>
        <p className="muted small">
          <span className="task-code">{task.code}</span> · {unit.name}（{unit.role === "lead" ? "牵头单位" : "配合单位"}）
        </p>
        <h1>填报进展：{task.title}</h1>
      </header>

      <Form method="get" className="update-switch" aria-label="选择周次和单位">
        <input type="hidden" name="back" value={back} />
        <label className="field">
          <span>填报周次</span>
          <select name="week" defaultValue={form.week}>
            {form.weeks.map((week) => (
              <option key={week} value={week}>
                {weekLabel(week, form.task.planYear)}
                {week === form.currentWeek ? " · 本周" : ""}
              </option>
            ))}
          </select>
        </label>
        {canChooseUnit && task.units.length > 1 ? (
          <label className="field">
            <span>代填单位</span>
            <select name="unit" defaultValue={form.unitId}>
              {task.units.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}（{u.role === "lead" ? "牵头" : "配合"}）
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <button type="submit" className="button secondary">
          切换
        </button>
      </Form>

      {existing ? (
        <p className="notice">
          本单位{form.week === form.currentWeek ? "本周" : "这一周"}已填报：{existing.authorName}于{formatDateTime(existing.createdAt)}提交
          {existing.updatedAt !== existing.createdAt ? `，${formatDateTime(existing.updatedAt)}最后修改` : ""}。
          {existing.isDemo ? <span className="demo-tag">演示数据</span> : null}
          {readOnly ? null : " 修改后保存即可更新。"}
        </p>
      ) : form.week !== form.currentWeek ? (
        <p className="notice">这一周已经结束，现在提交将记为补报。</p>
      ) : null}
      {form.readOnlyReason ? (
        <p className="form-error" role="alert">
          {form.readOnlyReason}
        </p>
      ) : null}
      {draftAt ? (
        <div className="notice draft-notice" role="status">
          <p>已恢复您{formatDateTime(draftAt)}未提交成功的草稿（保存在本机），请核对后提交。</p>
          <button type="button" className="button secondary small" onClick={discardDraft}>
            放弃草稿
          </button>
        </div>
      ) : null}

      <Form
        method="post"
        encType="multipart/form-data"
        className="update-form stack"
        noValidate
        ref={formRef}
        onChange={keepDraft}
        onSubmit={onSubmit}
      >
        <input type="hidden" name="week" value={form.week} />
        <input type="hidden" name="unitId" value={form.unitId} />
        <input type="hidden" name="version" value={actionData?.current?.version ?? draftVersion ?? existing?.version ?? ""} />
        <input type="hidden" name="back" value={back} />
        <input type="hidden" name="idempotencyKey" value={submissionKey} />

        <div ref={feedbackRef} tabIndex={-1} role="alert" className="form-feedback">
          {errors._form ? (
            <div className="form-error">
              <p>{errors._form}</p>
              {actionData?.current ? (
                <div className="conflict-current">
                  <p className="small">
                    最新内容（{actionData.current.authorName}，完成{actionData.current.progress}%）：
                  </p>
                  <p className="pre-line small">{actionData.current.body}</p>
                </div>
              ) : null}
            </div>
          ) : Object.keys(errors).length > 0 ? (
            <FieldErrorLinks
              errors={errors}
              labelOf={(name) => updateFieldLabel(name, task.metrics) ?? "标红的项目"}
              lead={`有${Object.keys(errors).length}处需要修改，您填写的内容都还在：`}
            />
          ) : null}
        </div>

        <fieldset className="update-fieldset" disabled={readOnly}>
          <label className="field">
            <span>本周进展（必填）</span>
            <textarea name="body" rows={5} required defaultValue={value("body", existing?.body)} {...invalid("body")} />
            {fieldError("body")}
          </label>

          <label className="field progress-field">
            <span>完成进度（%）</span>
            <span className="progress-input">
              <input
                name="progress"
                type="number"
                inputMode="numeric"
                min={0}
                max={100}
                step={1}
                required
                defaultValue={value("progress", existing?.progress ?? form.previousProgress ?? "")}
                {...invalid("progress")}
              />
              <span aria-hidden="true">%</span>
            </span>
            <span className="muted small">
              0到100的整数。
              {form.previousProgress != null ? `本单位上次填报为${form.previousProgress}%；调低需在“困难问题”中说明原因。` : ""}
            </span>
            {fieldError("progress")}
          </label>

          {task.metrics.length > 0 ? (
            <fieldset className="metric-inputs">
              <legend>指标完成情况</legend>
              {task.metrics.map((metric) => {
                const name = `metric_${metric.id}`;
                const stored = form.values[metric.id];
                return (
                  <label key={metric.id} className="field">
                    <span>
                      {metric.name}（{metric.unit}）
                    </span>
                    <input
                      name={name}
                      type="text"
                      inputMode="decimal"
                      autoComplete="off"
                      placeholder={metric.aggregation === "sum" ? "本周完成数" : "截至本周累计数"}
                      defaultValue={value(name, stored)}
                      {...invalid(name)}
                    />
                    <span className="muted small">
                      {metric.aggregation === "sum" ? "填本周新增的数量，系统自动累计。" : "填截至本周的累计数，以最新一次为准。"}
                      {metric.target != null ? `全年目标${formatNumber(metric.target, metric.unit)}。` : ""}
                      可写“1,226”或“1226{metric.unit}”。
                    </span>
                    {fieldError(name)}
                  </label>
                );
              })}
            </fieldset>
          ) : null}

          <label className="field">
            <span>下步计划</span>
            <textarea name="nextSteps" rows={3} defaultValue={value("nextSteps", existing?.nextSteps)} {...invalid("nextSteps")} />
            {fieldError("nextSteps")}
          </label>

          <label className="field">
            <span>困难问题</span>
            <textarea name="blockers" rows={3} defaultValue={value("blockers", existing?.blockers)} {...invalid("blockers")} />
            {fieldError("blockers")}
          </label>
          <label className="checkbox">
            <input
              type="checkbox"
              name="needsCoordination"
              value="yes"
              defaultChecked={actionData ? values.needsCoordination === "yes" : existing?.needsCoordination}
            />
            需协调：需要街道领导或其他单位协调解决
          </label>

          <fieldset className="attachment-inputs">
            <legend>佐证材料（可选）</legend>
            {form.attachments.length > 0 ? (
              <ul className="plain-list attachment-list">
                {form.attachments.map((file) => (
                  <li key={file.id}>
                    <AttachmentLink file={file}>{formatBytes(file.size)}</AttachmentLink>
                    <label className="checkbox small">
                      <input type="checkbox" name="removeAttachment" value={file.id} />
                      删除
                    </label>
                  </li>
                ))}
              </ul>
            ) : null}
            <label className="field">
              <span className="visually-hidden">选择文件</span>
              <input
                name="attachments"
                type="file"
                multiple
                accept="image/jpeg,image/png,image/gif,image/webp,application/pdf"
                {...invalid("attachments")}
              />
            </label>
            <span className="muted small">
              照片或PDF，每个不超过{formatBytes(ATTACHMENT_MAX_BYTES)}，每条填报最多{ATTACHMENT_MAX_FILES}个。
            </span>
            {fieldError("attachments")}
          </fieldset>
        </fieldset>

        <div ref={offlineRef} tabIndex={-1} role="alert" className="form-feedback">
          {offline ? (
            <div className="form-error offline-notice">
              <p>网络已断开，内容已保存在本机。网络恢复后会自动提交；也可以稍后点下面的按钮再试。</p>
            </div>
          ) : null}
        </div>
        {readOnly ? null : (
          <button type="submit" className="button primary block" disabled={submitting}>
            {submitting ? "正在提交…" : existing ? "保存修改" : "提交填报"}
          </button>
        )}
      </Form>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
