import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { PlanSchema, StatusSchema } from "../models/admin-forms.server";
import { createPlan, listPlans, setPlanStatus } from "../models/plans.server";
import { PLAN_STATUS_LABELS } from "../lib/labels";
import { Field } from "../components/field";
import { requireUser } from "../utils/auth.server";
import { getDb } from "../utils/db.server";
import { parseForm, readForm, readIntent } from "../utils/forms.server";



export async function loader(args: LoaderFunctionArgs) {
  await requireUser(args, "admin");
  return { plans: await listPlans(getDb()) };
}

export async function action(args: ActionFunctionArgs) {
  const admin = await requireUser(args, "admin");
  const db = getDb();
  const formData = await readForm(args.request);
  const intent = readIntent(formData, ["create", "setStatus"] as const);
  if (intent === "create") {
    const parsed = parseForm(formData, PlanSchema);
    if (!parsed.ok) return data({ errors: parsed.errors, values: parsed.values }, { status: 400 });
    const existing = await db.selectFrom("plans").select("id").where("year", "=", parsed.data.year).executeTakeFirst();
    if (existing) {
      return data(
        { errors: { year: `${parsed.data.year}年度计划已经存在。` } as Record<string, string>, values: parsed.values },
        { status: 400 },
      );
    }
    await createPlan(db, admin.id, {
      year: parsed.data.year,
      organization: parsed.data.organization,
      title: `${parsed.data.organization}${parsed.data.year}年重点工作`,
    });
    return { errors: {} as Record<string, string>, values: {} as Record<string, string> };
  }
  const parsed = parseForm(formData, StatusSchema);
  if (!parsed.ok) return data({ errors: parsed.errors, values: parsed.values }, { status: 400 });
  await setPlanStatus(db, admin.id, parsed.data.planId, parsed.data.version, parsed.data.status);
  return { errors: {} as Record<string, string>, values: {} as Record<string, string> };
}

export default function AdminPlans() {
  const { plans } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const pending = useNavigation().state === "submitting";
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
          <div className="table-scroll">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">年度</th>
                  <th scope="col">名称</th>
                  <th scope="col">状态</th>
                  <th scope="col">
                    <span className="visually-hidden">操作</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {plans.map((plan) => (
                  <tr key={plan.id} className={plan.status === "archived" ? "row-muted" : undefined}>
                    <td>{plan.year}年</td>
                    <td>{plan.title}</td>
                    <td>{PLAN_STATUS_LABELS[plan.status]}</td>
                    <td>
                      <Form
                        method="post"
                        onSubmit={(event) => {
                          if (
                            plan.status === "active" &&
                            !window.confirm(`确定归档${plan.year}年度计划吗？归档后看板只读展示，可随时恢复。`)
                          ) {
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
              </tbody>
            </table>
          </div>
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
    </div>
  );
}
