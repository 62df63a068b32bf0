import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { PlanSchema, StatusSchema } from "~/models/admin-forms.server";
import { createPlan, findPlanByYear, listPlans, setPlanStatus } from "~/models/plans.server";
import { importPlan, type PlanImportResult } from "~/models/plan-transfer.server";
import { parsePlanDocument, PLAN_DOCUMENT_MAX_BYTES } from "~/models/plan-document.server";
import { PLAN_STATUS_LABELS } from "~/lib/labels";
import { Field } from "~/components/field";
import { requireUser } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { parseForm, readForm, readIntent } from "~/utils/forms.server";
import { refusalOf } from "~/utils/http.server";
import { isRefusal } from "~/lib/refusal";
import { DataTable } from "~/components/data-table";

interface PlansActionData {
  errors: Record<string, string>;
  values: Record<string, string>;
  imported?: PlanImportResult;
  importError?: string;
}

const done = (extra: Partial<PlansActionData> = {}): PlansActionData => ({ errors: {}, values: {}, ...extra });

export async function loader(args: LoaderFunctionArgs) {
  await requireUser(args, "admin");
  return { plans: await listPlans(getDb()) };
}

export async function action(args: ActionFunctionArgs) {
  const admin = await requireUser(args, "admin");
  const db = getDb();
  // Refuse an oversize upload before reading it into memory (by its length, or as it streams in).
  const tooLarge = () =>
    data(
      done({
        importError: `文件超过 ${PLAN_DOCUMENT_MAX_BYTES / 1024 / 1024} MB，无法导入。请确认选择的是本系统导出的年度计划 .json 文件。`,
      }),
      { status: 413 },
    );
  if (Number(args.request.headers.get("Content-Length") ?? 0) > PLAN_DOCUMENT_MAX_BYTES + 64 * 1024) return tooLarge();
  let formData: FormData;
  try {
    formData = await readForm(args.request);
  } catch (error) {
    if (isRefusal(error) && error.status === 413 && error.message.startsWith("提交的内容超过")) return tooLarge();
    throw error;
  }
  const intent = readIntent(formData, ["create", "setStatus", "import"] as const);
  if (intent === "import") {
    const file = formData.get("file");
    if (!file || typeof file === "string" || file.size === 0) {
      return data(done({ importError: "请选择要导入的年度计划 .json 文件。" }), { status: 400 });
    }
    if (file.size > PLAN_DOCUMENT_MAX_BYTES) {
      return data(done({ importError: `文件超过 ${PLAN_DOCUMENT_MAX_BYTES / 1024 / 1024} MB，无法导入。` }), { status: 413 });
    }
    const parsed = parsePlanDocument(await file.text());
    if (!parsed.ok) return data(done({ importError: parsed.message }), { status: 400 });
    try {
      return done({ imported: await importPlan(db, admin.id, parsed.document) });
    } catch (thrown) {
      const refusal = refusalOf(thrown);
      if (!refusal) throw thrown;
      return data(done({ importError: refusal.message }), { status: refusal.status });
    }
  }
  if (intent === "create") {
    const parsed = parseForm(formData, PlanSchema);
    if (!parsed.ok) return data(done({ errors: parsed.errors, values: parsed.values }), { status: 400 });
    const existing = await findPlanByYear(db, parsed.data.year);
    if (existing) {
      return data(done({ errors: { year: `${parsed.data.year}年度计划已经存在。` }, values: parsed.values }), { status: 400 });
    }
    await createPlan(db, admin.id, {
      year: parsed.data.year,
      organization: parsed.data.organization,
      title: `${parsed.data.organization}${parsed.data.year}年重点工作`,
    });
    return done();
  }
  const parsed = parseForm(formData, StatusSchema);
  if (!parsed.ok) return data(done({ errors: parsed.errors, values: parsed.values }), { status: 400 });
  await setPlanStatus(db, admin.id, parsed.data.planId, parsed.data.version, parsed.data.status);
  return done();
}

export default function AdminPlans() {
  const { plans } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const pending = navigation.state === "submitting";
  const importing = pending && navigation.formData?.get("intent") === "import";
  const errors = actionData?.errors ?? {};
  const values = actionData?.values ?? {};
  const nextYear = plans.length ? Math.max(...plans.map((p) => p.year)) + 1 : new Date().getFullYear();
  return (
    <div className="admin-grid">
      <section aria-labelledby="plans-title">
        <h2 id="plans-title">年度计划（{plans.length}）</h2>
        {plans.length === 0 ? (
          <p className="empty-state">还没有年度计划。新建一个，或在“导入”页上传上一年度工作总结生成计划。</p>
        ) : (
          <DataTable label="年度计划表" columns={["年度", "名称", "状态", { label: "操作", hidden: true }]}>
            {plans.map((plan) => (
              <tr key={plan.id} className={plan.status === "archived" ? "row-muted" : undefined}>
                <td>{plan.year}年</td>
                <td>{plan.title}</td>
                <td>{PLAN_STATUS_LABELS[plan.status]}</td>
                <td className="row-actions">
                  <a href={`/admin/plans/${plan.year}/export`} download className="button secondary small">
                    导出
                  </a>
                  <Form
                    method="post"
                    onSubmit={(event) => {
                      if (plan.status === "active" && !window.confirm(`确定归档${plan.year}年度计划吗？归档后看板只读展示，可随时恢复。`)) {
                        event.preventDefault();
                      }
                    }}
                  >
                    <input type="hidden" name="intent" value="setStatus" />
                    <input type="hidden" name="planId" value={plan.id} />
                    <input type="hidden" name="version" value={plan.version} />
                    <input type="hidden" name="status" value={plan.status === "active" ? "archived" : "active"} />
                    <button type="submit" className="button secondary small" disabled={pending}>
                      {plan.status === "active" ? "归档" : "恢复"}
                    </button>
                  </Form>
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
      <section className="card" aria-labelledby="new-plan-title">
        <h2 id="new-plan-title">新建年度计划</h2>
        <Form method="post" className="stack" noValidate>
          <input type="hidden" name="intent" value="create" />
          <Field name="year" label="年度" error={errors.year} defaultValue={values.year ?? String(nextYear)} />
          <Field
            name="organization"
            label="单位名称"
            error={errors.organization}
            defaultValue={values.organization ?? plans[0]?.organization ?? ""}
          />
          <button type="submit" className="button primary" disabled={pending}>
            {pending ? "正在创建…" : "创建年度计划"}
          </button>
        </Form>
      </section>
      <section className="card" aria-labelledby="import-plan-title">
        <h2 id="import-plan-title">导入年度计划</h2>
        <p className="muted">
          上传本系统“导出”的 .json
          文件（可来自另一台服务器）。已有同一年度的计划时不会导入。文件中本系统没有的单位会新建；没有的用户会新建为“停用”，需由管理员重置密码并启用后才能登录。
        </p>
        {actionData?.imported ? (
          <p className="notice" role="status">
            已导入{actionData.imported.year}年度计划：{actionData.imported.tasks}项任务、{actionData.imported.metrics}个指标、
            {actionData.imported.updates}条填报
            {actionData.imported.createdUnits.length ? `；新建单位 ${actionData.imported.createdUnits.join("、")}` : ""}
            {actionData.imported.createdUsers.length ? `；新建停用用户 ${actionData.imported.createdUsers.join("、")}` : ""}。
          </p>
        ) : null}
        {actionData?.importError ? (
          <p className="form-error" role="alert">
            {actionData.importError}
          </p>
        ) : null}
        <Form method="post" encType="multipart/form-data" className="stack">
          <input type="hidden" name="intent" value="import" />
          <label className="field">
            <span>年度计划文件（.json）</span>
            <input type="file" name="file" accept="application/json,.json" required />
          </label>
          <button type="submit" className="button primary" disabled={pending}>
            {importing ? "正在导入…" : "导入"}
          </button>
        </Form>
      </section>
    </div>
  );
}
