import { Form, Link } from "@remix-run/react";
import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import type { SectionJson } from "~/lib/importer/types";
import { SECTION_KIND_LABELS } from "~/lib/labels";
import type { MetricDraft } from "~/lib/plan-draft";
import type { ImportPreview, ImportSelection, PreviewUnit } from "~/routes/import/preview.server";

const METRIC_KIND_LABELS: Record<MetricDraft["kind"], string> = {
  actual: "完成",
  forecast: "预计",
  target: "目标",
  cap: "控制在…以内",
  rate: "比率",
};

export function UploadForm({ error, pasted, pending }: { error: string | null; pasted: string; pending: boolean }) {
  return (
    <Form method="post" encType="multipart/form-data" className="card stack import-upload" aria-busy={pending}>
      <input type="hidden" name="intent" value="preview" />
      <p className="muted">
        上传上一年度的工作总结（.txt 或 .docx，UTF-8 或 GBK 编码，不超过 5 MB），或把全文粘贴到下面。
        系统会识别其中的“重点工作安排”“存在问题”和各项数字，先给您预览，确认后再生成任务。
      </p>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <label className="field">
        <span>选择文件</span>
        <input
          type="file"
          name="file"
          accept=".txt,.docx,text/plain,application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        />
      </label>
      <label className="field">
        <span>或粘贴全文</span>
        <textarea name="text" rows={8} defaultValue={pasted} placeholder="一、亮点工作……" />
      </label>
      <div className="import-actions">
        <button type="submit" className="button primary" disabled={pending}>
          {pending ? "正在读取并解析…" : "解析并预览"}
        </button>
        {pending ? <progress className="import-progress" aria-label="正在解析文件" /> : null}
      </div>
    </Form>
  );
}

function SectionTree({ sections }: { sections: SectionJson[] }) {
  if (!sections.length) return null;
  return (
    <ul className="section-tree">
      {sections.map((section, index) => (
        <li key={`${section.number}-${index}`}>
          <span className="section-number">{section.number}</span> {section.heading}{" "}
          <span className={`kind-badge kind-${section.kind}`}>{SECTION_KIND_LABELS[section.kind]}</span>
          <SectionTree sections={section.children} />
        </li>
      ))}
    </ul>
  );
}

/**
 * A group of checkboxes with 全选/全不选 and a live count of what is ticked ("已选3/10").
 * `name` is the checkbox field the count follows (task, metric).
 */
function CheckGroup({
  name,
  title,
  total,
  initial,
  className,
  children,
}: {
  name: string;
  title: string;
  total: number;
  initial: number;
  className: string;
  children: ReactNode;
}) {
  const ref = useRef<HTMLFieldSetElement>(null);
  const [count, setCount] = useState(initial);
  const boxes = () => Array.from(ref.current?.querySelectorAll<HTMLInputElement>(`input[type=checkbox][name="${name}"]`) ?? []);
  const recount = useCallback(() => setCount(boxes().filter((b) => b.checked).length), []); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(recount, [recount]);
  const setAll = (checked: boolean) => {
    for (const box of ref.current?.querySelectorAll<HTMLInputElement>("input[type=checkbox]") ?? []) box.checked = checked;
    recount();
  };
  return (
    <fieldset
      ref={ref}
      className={className}
      onChange={(event) => {
        // A task's targets follow its box: ticking a task ticks the targets written under it.
        const box = event.target as HTMLInputElement;
        if (box.name === "task") {
          for (const target of box.closest("li")?.querySelectorAll<HTMLInputElement>('input[name="target"]') ?? [])
            target.checked = box.checked;
        }
        recount();
      }}
    >
      <legend>
        {title}（已选{count}/{total}）
      </legend>
      <div className="check-group-actions">
        <button type="button" className="button secondary small" onClick={() => setAll(true)}>
          全选
        </button>
        <button type="button" className="button secondary small" onClick={() => setAll(false)}>
          全不选
        </button>
      </div>
      {children}
    </fieldset>
  );
}

/** One labelled checkbox of the preview (a task, its target, a metric). */
function CheckBox({
  name,
  value,
  defaultChecked,
  children,
}: {
  name: string;
  value: string;
  defaultChecked: boolean;
  children: ReactNode;
}) {
  return (
    <label className="checkbox">
      <input type="checkbox" name={name} value={value} defaultChecked={defaultChecked} />
      <span>{children}</span>
    </label>
  );
}

function formatFigure(metric: MetricDraft): string {
  const value = Number.isInteger(metric.baseline) ? String(metric.baseline) : String(Number(metric.baseline.toFixed(2)));
  return `${value}${metric.unit}`;
}

export function PreviewForm({
  preview,
  selection,
  errors,
  plans,
  units,
  pending,
}: {
  preview: ImportPreview;
  selection: ImportSelection | null;
  errors: Record<string, string>;
  plans: { year: number; status: string; title: string }[];
  units: PreviewUnit[];
  pending: boolean;
}) {
  const selectedYear = selection?.planYear ?? String(preview.planYear);
  const activePlans = plans.filter((p) => p.status === "active");
  // The year after the summary's is the usual target; a later year may be started here too.
  const newYears = [preview.planYear, preview.planYear + 1, preview.planYear + 2].filter((year) => !plans.some((p) => p.year === year));
  const chosenMetrics = selection ? new Set(selection.metrics) : null;
  const problemTasks = preview.tasks.filter((t) => t.group === "problem");
  const keyWork = preview.tasks.filter((t) => t.group === "plan");
  const vision = preview.tasks.filter((t) => t.group === "vision");
  // What every task group is drawn with, besides its own tasks.
  const groupContext = { units, selection, errors, categories: preview.categories };
  const existingPlan = plans.find((p) => p.year === preview.planYear && p.status === "active");
  return (
    <Form method="post" className="stack" aria-busy={pending}>
      <input type="hidden" name="intent" value="commit" />
      <input type="hidden" name="fileName" value={preview.fileName} />
      <input type="hidden" name="encodedText" value={preview.encodedText} />

      <section className="card stack" aria-labelledby="preview-title">
        <h2 id="preview-title">预览：{preview.fileName}</h2>
        <dl className="facts">
          <div>
            <dt>标题</dt>
            <dd>{preview.title ?? "（未识别到标题）"}</dd>
          </div>
          <div>
            <dt>单位</dt>
            <dd>{preview.organization ?? "（未识别）"}</dd>
          </div>
          <div>
            <dt>总结年度</dt>
            <dd>{preview.reportYear ? `${preview.reportYear}年` : "（未识别）"}</dd>
          </div>
          <div>
            <dt>计划年度</dt>
            <dd>
              {preview.planYear}年{existingPlan ? "（已有该年度计划，将追加到其中）" : ""}
            </dd>
          </div>
          <div>
            <dt>落款日期</dt>
            <dd>{preview.date ? preview.date.replace(/^(\d+)-0?(\d+)-0?(\d+)$/, "$1年$2月$3日") : "（未识别）"}</dd>
          </div>
        </dl>
        {preview.duplicateMessage ? (
          <p className="form-error" role="alert">
            {preview.duplicateMessage}
          </p>
        ) : null}
        {errors._form && errors._form !== preview.duplicateMessage ? (
          <p className="form-error" role="alert">
            {errors._form}
          </p>
        ) : null}
        <details>
          <summary>文档结构（{preview.sections.length}个部分）</summary>
          {preview.sections.length ? <SectionTree sections={preview.sections} /> : <p className="muted">没有识别到编号标题。</p>}
        </details>
      </section>

      <section className="card stack" aria-labelledby="tasks-title">
        <h2 id="tasks-title">生成的任务（{preview.tasks.length}项）</h2>
        {preview.tasks.length === 0 ? (
          <p className="empty-state">没有识别到“重点工作安排”或“存在问题”的条目。可以只导入下面的指标，之后在看板上手动添加任务。</p>
        ) : (
          <>
            <TaskGroup title={`${preview.planYear}年重点工作`} tasks={keyWork} {...groupContext} checkedByDefault />
            <TaskGroup title="存在问题" tasks={problemTasks} {...groupContext} checkedByDefault />
            {vision.length ? (
              <details className="vision-group">
                <summary>远景目标（多年，{vision.length}项，默认不导入）</summary>
                <TaskGroup title="远景目标" tasks={vision} {...groupContext} checkedByDefault={false} />
              </details>
            ) : null}
          </>
        )}
      </section>

      <section className="card stack" aria-labelledby="metrics-title">
        <h2 id="metrics-title">其他数字（可选，{preview.metricCount}项）</h2>
        <p className="muted small">
          任务下的目标值已随任务勾选。这里是回顾部分的其他数字，默认不导入；勾选的将作为计划指标，原文全年数值记为上年基数，之后可设定目标。
        </p>
        {preview.metricGroups.length === 0 ? <p className="empty-state">没有其他带单位的数字。</p> : null}
        <details className="other-figures">
          <summary>展开其他数字</summary>
          {preview.metricGroups.map((group) => (
            <CheckGroup
              key={group.category}
              name="metric"
              className="metric-group"
              title={group.category}
              total={group.metrics.length}
              initial={group.metrics.filter((m) => chosenMetrics?.has(m.key)).length}
            >
              <ul className="metric-list">
                {group.metrics.map((metric) => (
                  <li key={metric.key}>
                    <CheckBox name="metric" value={metric.key} defaultChecked={chosenMetrics ? chosenMetrics.has(metric.key) : false}>
                      <strong>{metric.name}</strong> {formatFigure(metric)}
                      <span className="muted small">
                        （{metric.baselinePeriod}
                        {metric.baselineEstimated ? "·预计" : ""}）
                      </span>
                      {metric.partial ? (
                        <span className="muted small">
                          （{metric.partial.period}完成{metric.partial.value}
                          {metric.unit}）
                        </span>
                      ) : null}
                      {metric.forecast != null && metric.forecast !== metric.baseline ? `（预计全年${metric.forecast}${metric.unit}）` : ""}
                      <span className="kind-badge">{METRIC_KIND_LABELS[metric.kind]}</span>
                      {metric.approximate ? <span className="kind-badge">约数</span> : null}
                      <span className="muted small"> {metric.ref}</span>
                    </CheckBox>
                  </li>
                ))}
              </ul>
            </CheckGroup>
          ))}
        </details>
      </section>

      <section className="card stack import-commit">
        <label className="field">
          <span>导入到年度计划</span>
          <select name="planYear" defaultValue={selectedYear} aria-invalid={errors.planYear ? true : undefined}>
            {activePlans.map((plan) => (
              <option key={plan.year} value={plan.year}>
                {plan.year}年度计划（已有，追加任务）
              </option>
            ))}
            {newYears.map((year) => (
              <option key={year} value={year}>
                新建{year}年度计划
              </option>
            ))}
          </select>
          {errors.planYear ? <span className="field-error">{errors.planYear}</span> : null}
        </label>
        <div className="import-actions">
          <button type="submit" className="button primary" disabled={pending || Boolean(preview.duplicateMessage)}>
            {pending ? "正在导入…" : "确认导入"}
          </button>
          <Link to="/import" className="button secondary">
            重新选择文件
          </Link>
        </div>
      </section>
    </Form>
  );
}

function TaskGroup({
  title,
  tasks,
  units,
  selection,
  errors,
  categories,
  checkedByDefault,
}: {
  title: string;
  tasks: ImportPreview["tasks"];
  units: PreviewUnit[];
  selection: ImportSelection | null;
  errors: Record<string, string>;
  categories: string[];
  checkedByDefault: boolean;
}) {
  if (!tasks.length) return null;
  const chosenTargets = selection ? new Set(selection.targets) : null;
  const initial = tasks.filter((t) => (selection?.tasks[t.key] ? selection.tasks[t.key].checked : checkedByDefault)).length;
  return (
    <CheckGroup name="task" className="task-group" title={title} total={tasks.length} initial={initial}>
      <ol className="plain-list task-drafts">
        {tasks.map((task) => {
          const chosen = selection?.tasks[task.key];
          const titleError = errors[`title:${task.key}`];
          const leadError = errors[`lead:${task.key}`];
          return (
            <li key={task.key} className="task-draft">
              <CheckBox name="task" value={task.key} defaultChecked={chosen ? chosen.checked : checkedByDefault}>
                导入 <span className="origin-ref">{task.originRef ?? "—"}</span>
              </CheckBox>
              <label className="field grow">
                <span>任务名称</span>
                <input name={`title:${task.key}`} defaultValue={chosen?.title ?? task.title} aria-invalid={titleError ? true : undefined} />
                {titleError ? <span className="field-error">{titleError}</span> : null}
              </label>
              <label className="field">
                <span>牵头单位</span>
                <select
                  name={`lead:${task.key}`}
                  defaultValue={chosen?.leadUnitId ?? (task.leadUnitId != null ? String(task.leadUnitId) : "")}
                >
                  <option value="">（暂不指定）</option>
                  {units.map((unit) => (
                    <option key={unit.id} value={unit.id}>
                      {unit.name}
                    </option>
                  ))}
                </select>
                {leadError ? <span className="field-error">{leadError}</span> : null}
              </label>
              <label className="field">
                <span>类别</span>
                <select name={`category:${task.key}`} defaultValue={chosen?.category ?? (task.category || "其他")}>
                  {[...new Set([...categories, task.category || "其他"])].map((c) => (
                    <option key={c} value={c}>
                      {c}
                    </option>
                  ))}
                </select>
              </label>
              {task.targets.length ? (
                <ul className="task-targets" aria-label="目标指标">
                  {task.targets.map((t) => (
                    <li key={t.key}>
                      <CheckBox name="target" value={t.key} defaultChecked={chosenTargets ? chosenTargets.has(t.key) : checkedByDefault}>
                        目标 <strong>{t.name}</strong> {t.target}
                        {t.unit}
                        {t.qualifier && t.qualifier !== "累计" ? t.qualifier : ""}
                        {t.baseline != null ? (
                          <span className="muted small">
                            （上年{t.baseline}
                            {t.unit}
                            {t.baselineEstimated ? "·预计" : ""}）
                          </span>
                        ) : null}
                      </CheckBox>
                    </li>
                  ))}
                </ul>
              ) : null}
              <details className="task-source">
                <summary>原文</summary>
                <p>{task.description}</p>
              </details>
            </li>
          );
        })}
      </ol>
    </CheckGroup>
  );
}

export function ImportedTasks({
  imported,
}: {
  imported: {
    tasks: { id: number; code: string; title: string; origin: string; origin_ref: string | null; year: number }[];
    metrics: number;
  };
}) {
  const year = imported.tasks[0]?.year;
  return (
    <section className="notice stack" role="status" aria-labelledby="imported-title">
      <h2 id="imported-title">
        导入完成：{imported.tasks.length}项任务，{imported.metrics}项指标
      </h2>
      {imported.tasks.length ? (
        <ul className="imported-list">
          {imported.tasks.map((task) => (
            <li key={task.id}>
              <span className="origin-ref">{task.code}</span> {task.title}
              <span className="muted small">
                （{task.origin === "problem" ? "存在问题" : "重点工作"} {task.origin_ref}）
              </span>
            </li>
          ))}
        </ul>
      ) : null}
      {year ? (
        <p>
          <Link to={`/board?year=${year}`}>到看板查看{year}年度的任务 →</Link>
        </p>
      ) : null}
    </section>
  );
}
