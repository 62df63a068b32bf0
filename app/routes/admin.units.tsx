import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { EditUnitSchema, UnitSchema } from "~/models/admin-forms.server";
import { createUnit, listUnits, updateUnit } from "~/models/units.server";
import { UNIT_KIND_LABELS } from "~/lib/labels";
import { Field } from "~/components/field";
import { requireUser } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { parseForm, readForm, readIntent } from "~/utils/forms.server";

export async function loader(args: LoaderFunctionArgs) {
  await requireUser(args, "admin");
  return { units: await listUnits(getDb(), { includeInactive: true }) };
}

export async function action(args: ActionFunctionArgs) {
  const admin = await requireUser(args, "admin");
  const db = getDb();
  const formData = await readForm(args.request);
  const intent = readIntent(formData, ["create", "update"] as const);
  if (intent === "create") {
    const parsed = parseForm(formData, UnitSchema);
    if (!parsed.ok) return data({ intent, unitId: null, errors: parsed.errors, values: parsed.values }, { status: 400 });
    await createUnit(db, admin.id, parsed.data);
    return { intent, unitId: null, errors: {} as Record<string, string>, values: {} as Record<string, string> };
  }
  const parsed = parseForm(formData, EditUnitSchema);
  if (!parsed.ok) {
    return data({ intent, unitId: Number(formData.get("unitId")), errors: parsed.errors, values: parsed.values }, { status: 400 });
  }
  await updateUnit(db, admin.id, parsed.data.unitId, parsed.data.version, parsed.data);
  return { intent, unitId: parsed.data.unitId, errors: {} as Record<string, string>, values: {} as Record<string, string> };
}

export default function AdminUnits() {
  const { units } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const pending = useNavigation().state === "submitting";
  const createErrors = actionData?.intent === "create" ? actionData.errors : {};
  const createValues = actionData?.intent === "create" ? actionData.values : {};
  return (
    <div className="admin-grid">
      <section aria-labelledby="units-title">
        <h2 id="units-title">单位（{units.length}）</h2>
        <p className="muted small">改名不影响历史记录：任务与填报按单位编号关联。停用的单位不再出现在新任务的选项中。</p>
        {units.length === 0 ? <p className="empty-state">还没有单位，请在右侧新建。</p> : null}
        <ul className="plain-list unit-list">
          {units.map((unit) => {
            const mine = actionData?.intent === "update" && actionData.unitId === unit.id;
            const errors: Record<string, string> = mine ? actionData.errors : {};
            const values: Record<string, string> = mine ? actionData.values : {};
            return (
              <li key={`${unit.id}-${unit.version}`} className={unit.active ? "unit-row" : "unit-row row-muted"}>
                <Form method="post" className="unit-form" aria-label={`编辑 ${unit.name}`}>
                  <input type="hidden" name="unitId" value={unit.id} />
                  <input type="hidden" name="version" value={unit.version} />
                  <label className="field grow">
                    <span>名称</span>
                    <input name="name" defaultValue={values.name ?? unit.name} aria-invalid={errors.name ? true : undefined} />
                    {errors.name ? <span className="field-error">{errors.name}</span> : null}
                  </label>
                  <label className="field">
                    <span>类型</span>
                    <select name="kind" defaultValue={values.kind ?? unit.kind}>
                      <option value="community">{UNIT_KIND_LABELS.community}</option>
                      <option value="office">{UNIT_KIND_LABELS.office}</option>
                    </select>
                  </label>
                  <label className="field small-input">
                    <span>排序</span>
                    <input name="sortOrder" inputMode="numeric" defaultValue={values.sortOrder ?? unit.sort_order} />
                    {errors.sortOrder ? <span className="field-error">{errors.sortOrder}</span> : null}
                  </label>
                  <label className="checkbox">
                    <input type="checkbox" name="active" defaultChecked={values.active ? values.active === "on" : Boolean(unit.active)} />
                    <span>启用</span>
                  </label>
                  <button type="submit" name="intent" value="update" className="button secondary" disabled={pending}>
                    保存
                  </button>
                </Form>
              </li>
            );
          })}
        </ul>
      </section>
      <section className="card" aria-labelledby="new-unit-title">
        <h2 id="new-unit-title">新建单位</h2>
        <Form
          method="post"
          className="stack"
          noValidate
          key={actionData?.intent === "create" && !Object.keys(createErrors).length ? units.length : "form"}
        >
          <input type="hidden" name="intent" value="create" />
          <Field name="name" label="单位名称" error={createErrors.name} defaultValue={createValues.name} />
          <label className="field">
            <span>类型</span>
            <select name="kind" defaultValue={createValues.kind ?? "community"}>
              <option value="community">{UNIT_KIND_LABELS.community}</option>
              <option value="office">{UNIT_KIND_LABELS.office}</option>
            </select>
          </label>
          <Field
            name="sortOrder"
            label="排序（数字小的在前）"
            error={createErrors.sortOrder}
            defaultValue={createValues.sortOrder ?? String((units.length + 1) * 10)}
          />
          <button type="submit" className="button primary" disabled={pending}>
            {pending ? "正在创建…" : "创建单位"}
          </button>
        </Form>
      </section>
    </div>
  );
}
