// 明年工作思路: leaders write next year's 重点工作 per category before 开启下一年度. Prefilled
// with this year's tasks (unfinished ones ticked) and reported problems; blank rows for new
// priorities. Section 四 of the draft and the new plan are made from it.
import { data, redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { SelectField, namedOptions } from "~/components/select-field";
import { notFound } from "~/lib/refusal";
import type { OutlineRow, OwnerBasis, OwnerField } from "~/lib/summary/outline";
import { findSummaryPlan } from "~/models/plans.server";
import { getOutline, loadOutlineSource, outlineRows, saveOutline } from "~/routes/summary/outline.server";
import { MAX_OUTLINE_FIELDS, parseOutlineForm } from "~/routes/summary/outline-form.server";
import summaryStyles from "~/styles/summary.css";
import { requireUser } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { readForm } from "~/utils/forms.server";
import { parsePlanYear } from "~/lib/row-id";
import { FormActions } from "~/routes/summary/form-actions";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: summaryStyles }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data ? `${data.plan.year + 1}年` : ""}工作思路 · 年度重点工作看板` },
];

async function planOf(request: Request, yearField?: FormDataEntryValue | null) {
  const year = parsePlanYear(
    yearField !== undefined ? (yearField === null ? null : String(yearField)) : new URL(request.url).searchParams.get("year"),
  );
  const plan = await findSummaryPlan(getDb(), year);
  if (!plan) notFound("没有找到该年度计划。");
  return plan!;
}

async function choices() {
  const db = getDb();
  const leaders = await db
    .selectFrom("users")
    .select(["id", "display_name"])
    .where("role", "in", ["leader", "admin"])
    .where("disabled", "=", 0)
    .orderBy("id")
    .execute();
  const units = await db.selectFrom("units").select(["id", "name"]).where("active", "=", 1).orderBy("sort_order").orderBy("id").execute();
  return { leaders: leaders.map((u) => ({ id: u.id, name: u.display_name })), units };
}

export async function loader(args: LoaderFunctionArgs) {
  await requireUser(args, "summary.manage");
  const plan = await planOf(args.request);
  const db = getDb();
  const source = await loadOutlineSource(db, plan);
  const saved = await getOutline(db, plan.id);
  const { categories, rows } = outlineRows(source, saved);
  const nextPlan = await db
    .selectFrom("plans")
    .select("id")
    .where("year", "=", plan.year + 1)
    .executeTakeFirst();
  return {
    plan: { id: plan.id, year: plan.year },
    categories,
    rows,
    version: saved?.version ?? 0,
    savedAt: saved?.updatedAt ?? null,
    nextPlanExists: Boolean(nextPlan),
    saved: new URL(args.request.url).searchParams.get("saved") === "1",
    ...(await choices()),
  };
}

export async function action(args: ActionFunctionArgs) {
  const user = await requireUser(args, "summary.manage");
  // One form for the whole outline: about a dozen fields a row, a few hundred rows at most.
  const formData = await readForm(args.request, { maxFields: MAX_OUTLINE_FIELDS });
  const plan = await planOf(args.request, formData.get("year"));
  const db = getDb();
  const source = await loadOutlineSource(db, plan);
  const { leaders, units } = await choices();
  const parsed = parseOutlineForm(formData, {
    source,
    leaderIds: new Set(leaders.map((l) => l.id)),
    unitIds: new Set(units.map((u) => u.id)),
  });
  if (!parsed.ok) return data({ message: parsed.message, errors: parsed.errors, rows: parsed.rows }, { status: 400 });
  if (
    await db
      .selectFrom("plans")
      .select("id")
      .where("year", "=", plan.year + 1)
      .executeTakeFirst()
  ) {
    return data({ message: `${plan.year + 1}年度计划已经开启，工作思路不能再修改。`, errors: {}, rows: null }, { status: 409 });
  }
  await saveOutline(db, user.id, plan.id, parsed.items, parsed.expectedVersion);
  return redirect(`/summary/outline?year=${plan.year}&saved=1`);
}

const KIND_LABELS: Record<OutlineRow["kind"], string> = { continue: "继续推进", problem: "整改问题", new: "新增" };

const SUGGESTION_BASIS: Record<OwnerBasis, string> = { category: "本类别今年多数任务", plan: "今年多数任务" };

function describedBy(index: number, row: OutlineRow, field: OwnerField, error: string | undefined): string | undefined {
  const ids = [row.suggested?.[field] ? `r${index}.${field}-suggested` : null, error ? `r${index}.${field}-error` : null];
  return ids.filter(Boolean).join(" ") || undefined;
}

/** "建议": an owner filled in from the category's usual owner, for the leader to confirm (kept while unchanged). */
function Suggestion({ row, field, index }: { row: OutlineRow; field: OwnerField; index: number }) {
  const suggestion = row.suggested?.[field];
  if (!suggestion) return null;
  return (
    <>
      <input type="hidden" name={`r${index}.suggested.${field}`} value={suggestion.id} />
      <span
        className="tag suggestion"
        id={`r${index}.${field}-suggested`}
        title={`按${SUGGESTION_BASIS[suggestion.basis]}的安排预填，请确认`}
      >
        建议
        <span className="visually-hidden">：按{SUGGESTION_BASIS[suggestion.basis]}的安排预填，请确认</span>
      </span>
    </>
  );
}

/** 责任领导 or 牵头单位 of a row, with where its suggestion came from. */
function OwnerSelect({
  row,
  index,
  field,
  label,
  options,
  error,
}: {
  row: OutlineRow;
  index: number;
  field: OwnerField;
  label: string;
  options: { id: number; name: string }[];
  error: string | undefined;
}) {
  return (
    <SelectField
      name={`r${index}.${field}`}
      label={
        <>
          {label}
          <Suggestion row={row} field={field} index={index} />
        </>
      }
      defaultValue={row[field]}
      options={namedOptions(options)}
      emptyLabel="请选择"
      error={error}
      aria-describedby={describedBy(index, row, field, error)}
    />
  );
}

function RowEditor({
  row,
  index,
  errors,
  leaders,
  units,
}: {
  row: OutlineRow;
  index: number;
  errors: Record<string, string>;
  leaders: { id: number; name: string }[];
  units: { id: number; name: string }[];
}) {
  const name = (field: string) => `r${index}.${field}`;
  const error = (field: string) => errors[name(field)];
  const blank = row.kind === "new" && row.fromTaskId === null && row.targets.length === 0 && !row.include && !row.title;
  const titleId = `${name("title")}-input`;
  return (
    <div className={`outline-row${row.include ? " included" : ""}`}>
      <input type="hidden" name={name("category")} value={row.category} />
      <input type="hidden" name={name("kind")} value={row.kind} />
      <input type="hidden" name={name("fromTaskId")} value={row.fromTaskId ?? ""} />
      {blank ? <input type="hidden" name={name("blank")} value="1" /> : null}
      <div className="outline-row-head">
        {blank ? (
          <span className="tag">新增</span>
        ) : (
          <label className="checkbox">
            <input type="checkbox" name={name("include")} value="1" defaultChecked={row.include} />
            <span>纳入</span>
          </label>
        )}
        {!blank ? <span className="tag">{KIND_LABELS[row.kind]}</span> : null}
      </div>
      <label className="field outline-title" htmlFor={titleId}>
        <span>{blank ? "新的重点工作（填写即纳入）" : "工作内容"}</span>
        <textarea
          id={titleId}
          name={name("title")}
          rows={2}
          defaultValue={row.title}
          aria-invalid={error("title") ? true : undefined}
          aria-describedby={error("title") ? `${name("title")}-error` : undefined}
        />
        {error("title") ? (
          <span className="field-error" id={`${name("title")}-error`}>
            {error("title")}
          </span>
        ) : null}
      </label>
      <div className="outline-owners">
        <OwnerSelect row={row} index={index} field="leadUserId" label="责任领导" options={leaders} error={error("leadUserId")} />
        <OwnerSelect row={row} index={index} field="leadUnitId" label="牵头单位" options={units} error={error("leadUnitId")} />
        <SelectField
          name={name("supportUnitIds")}
          label="配合单位"
          multiple
          size={3}
          defaultValue={row.supportUnitIds.map(String)}
          options={namedOptions(units)}
        />
        <label className="field">
          <span>完成时限</span>
          <input type="date" name={name("dueDate")} defaultValue={row.dueDate} aria-invalid={error("dueDate") ? true : undefined} />
          {error("dueDate") ? <span className="field-error">{error("dueDate")}</span> : null}
        </label>
      </div>
      {row.targets.length ? (
        <table className="table outline-targets">
          <caption className="muted small">目标指标（基数为今年实际完成值）</caption>
          <thead>
            <tr>
              <th scope="col">表述</th>
              <th scope="col">今年实际</th>
              <th scope="col">明年目标</th>
            </tr>
          </thead>
          <tbody>
            {row.targets.map((t, j) => (
              <tr key={`${t.metricId}-${j}`}>
                <td>
                  <input type="hidden" name={`${name(`t${j}.metricId`)}`} value={t.metricId ?? ""} />
                  <input name={name(`t${j}.phrase`)} defaultValue={t.phrase} aria-label={`“${t.name}”的表述`} />
                </td>
                <td data-label="今年实际">
                  {t.baseline ?? "—"}
                  {t.unit}
                </td>
                <td data-label="明年目标">
                  <span className="target-input">
                    <input
                      name={name(`t${j}.target`)}
                      inputMode="decimal"
                      defaultValue={t.target ?? ""}
                      aria-label={`“${t.name}”明年目标（${t.unit}）`}
                    />
                    {t.unit}
                  </span>
                  {errors[name(`t${j}.target`)] ? <span className="field-error">{errors[name(`t${j}.target`)]}</span> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}

export default function OutlinePage() {
  const loaded = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const pending = navigation.state === "submitting";
  const { plan, categories, leaders, units } = loaded;
  const rows = (actionData?.rows ?? loaded.rows) as OutlineRow[];
  const errors = (actionData?.errors ?? {}) as Record<string, string>;
  const next = plan.year + 1;
  return (
    <section className="page summary-page outline-page">
      <h1>{next}年工作思路</h1>
      <p className="muted">
        按类别写下{next}年的重点工作：今年未完成的任务已勾选“继续推进”，基层反映的困难问题列为“整改问题”；也可在每类末尾新增。
        每一项写明责任领导、牵头单位和完成时限：任务原来没有指定的，已按本类别今年多数任务的安排预填并标为“建议”，请逐项确认或改选；目标指标以今年实际完成值为基数。总结草稿的“四、
        {next}年重点工作安排”和开启{next}
        年度都以此为准。
      </p>
      {loaded.saved ? (
        <p className="notice" role="status">
          已保存。<Link to={`/summary?year=${plan.year}`}>回到总结草稿</Link>重新生成后，第四部分即按此写出。
        </p>
      ) : null}
      {loaded.nextPlanExists ? (
        <p className="form-error" role="alert">
          {next}年度计划已经开启，工作思路不能再修改。
        </p>
      ) : null}
      {actionData?.message ? (
        <p className="form-error" role="alert">
          {actionData.message}
        </p>
      ) : null}
      <Form method="post" className="stack">
        <input type="hidden" name="year" value={plan.year} />
        <input type="hidden" name="expectedVersion" value={loaded.version} />
        <input type="hidden" name="rows" value={rows.length} />
        {categories.map((category) => {
          const inCategory = rows.map((row, index) => ({ row, index })).filter(({ row }) => row.category === category);
          const prefilled = inCategory.some(({ row }) => row.include || row.fromTaskId !== null || row.targets.length > 0 || row.title);
          const body = inCategory.map(({ row, index }) => (
            <RowEditor key={index} row={row} index={index} errors={errors} leaders={leaders} units={units} />
          ));
          const heading = `${category || "其他"}${category.endsWith("工作") ? "" : "工作"}`;
          return prefilled ? (
            <fieldset key={category} className="card outline-category">
              <legend>{heading}</legend>
              {body}
            </fieldset>
          ) : (
            <details key={category} className="card outline-category">
              <summary>{heading}（今年无此类任务，可新增）</summary>
              {body}
            </details>
          );
        })}
        <FormActions
          label="保存工作思路"
          pendingLabel="正在保存…"
          pending={pending}
          disabled={loaded.nextPlanExists}
          back={{ to: `/summary?year=${plan.year}`, label: "返回总结草稿" }}
        />
      </Form>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
