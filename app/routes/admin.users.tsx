import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { randomPassword } from "~/models/bootstrap.server";
import { listUnits } from "~/models/units.server";
import { createUser, listUsers } from "~/models/users.server";
import { CreateUserSchema } from "~/models/user-validation.server";
import { requireUser } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { parseForm, readForm } from "~/utils/forms.server";
import { ROLE_LABELS } from "~/utils/permissions";
import { Field } from "~/components/field";
import { RoleAndUnitFields } from "~/components/role-unit-fields";
import { badRequest } from "~/lib/refusal";
import { DataTable } from "~/components/data-table";

export async function loader(args: LoaderFunctionArgs) {
  await requireUser(args, "admin");
  const db = getDb();
  const [users, units] = await Promise.all([listUsers(db), listUnits(db)]);
  return { users, units };
}

export async function action(args: ActionFunctionArgs) {
  const admin = await requireUser(args, "admin");
  const db = getDb();
  const formData = await readForm(args.request);
  if (formData.get("intent") !== "create") badRequest("无法识别的操作，请刷新页面后重试。");
  const parsed = parseForm(formData, CreateUserSchema);
  if (!parsed.ok) return data({ ok: false as const, errors: parsed.errors, values: parsed.values }, { status: 400 });
  if (parsed.data.unitId != null) {
    const unit = await db.selectFrom("units").select("id").where("id", "=", parsed.data.unitId).executeTakeFirst();
    if (!unit) {
      return data({ ok: false as const, errors: { unitId: "所选单位不存在，请刷新后重新选择。" }, values: parsed.values }, { status: 400 });
    }
  }
  const existing = await db.selectFrom("users").select("id").where("username", "=", parsed.data.username).executeTakeFirst();
  if (existing) {
    return data(
      { ok: false as const, errors: { username: `用户名“${parsed.data.username}”已被使用，请换一个。` }, values: parsed.values },
      { status: 400 },
    );
  }
  const password = randomPassword();
  const user = await createUser(db, admin.id, {
    username: parsed.data.username,
    displayName: parsed.data.displayName,
    role: parsed.data.role,
    unitId: parsed.data.unitId,
    password,
    mustChangePassword: true,
  });
  return { ok: true as const, created: { username: user.username, password } };
}

export default function AdminUsers() {
  const { users, units } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const pending = useNavigation().state === "submitting";
  const failed = actionData && !actionData.ok ? actionData : null;
  const errors: Record<string, string> = failed?.errors ?? {};
  const values: Record<string, string> = failed?.values ?? {};
  return (
    <div className="admin-grid">
      <section aria-labelledby="users-title">
        <h2 id="users-title">用户（{users.length}）</h2>
        {users.length === 0 ? (
          <p className="empty-state">还没有用户。</p>
        ) : (
          <DataTable label="用户表" columns={["用户名", "姓名", "角色", "所属单位", "状态", { label: "操作", hidden: true }]}>
            {users.map((user) => (
              <tr key={user.id} className={user.disabled ? "row-muted" : undefined}>
                <td>{user.username}</td>
                <td>{user.display_name}</td>
                <td>{ROLE_LABELS[user.role]}</td>
                <td>{user.unit_name ?? "—"}</td>
                <td>{user.disabled ? "已停用" : user.must_change_password ? "待改密码" : "正常"}</td>
                <td>
                  <Link to={`/admin/users/${user.id}`}>编辑</Link>
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
      <section aria-labelledby="new-user-title" className="card">
        <h2 id="new-user-title">新建用户</h2>
        {actionData?.ok ? (
          <p className="notice" role="status">
            已创建用户 <strong>{actionData.created.username}</strong>，初始密码{" "}
            <code className="secret">{actionData.created.password}</code>
            。请转告本人，此密码只显示这一次，首次登录后须修改。
          </p>
        ) : null}
        <Form method="post" className="stack" noValidate key={actionData?.ok ? actionData.created.username : "form"}>
          <input type="hidden" name="intent" value="create" />
          <Field name="username" label="用户名（登录用）" error={errors.username} defaultValue={values.username} autoComplete="off" />
          <Field name="displayName" label="姓名" error={errors.displayName} defaultValue={values.displayName} />
          <RoleAndUnitFields role={values.role ?? "secretary"} unitId={values.unitId ?? ""} units={units} errors={errors} />
          <button type="submit" className="button primary" disabled={pending}>
            {pending ? "正在创建…" : "创建用户"}
          </button>
        </Form>
      </section>
    </div>
  );
}
