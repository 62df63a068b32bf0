import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { confirmSubmit } from "~/components/confirm-submit";
import type { ReactNode } from "react";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { randomPassword } from "~/models/bootstrap.server";
import { listUnits } from "~/models/units.server";
import { clearLoginDelays, getUserSummary, setPassword, updateUser } from "~/models/users.server";
import { EditUserSchema } from "~/models/user-validation.server";
import { Field } from "~/components/field";
import { RoleAndUnitFields } from "~/components/role-unit-fields";
import { requireUser } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { parseForm, readForm, readIntent } from "~/utils/forms.server";
import { rowIdParam } from "~/utils/http.server";
import { badRequest, notFound } from "~/lib/refusal";
import { countAccountFailures } from "~/utils/rate-limit.server";

const userIdFrom = (params: { userId?: string }) => rowIdParam(params.userId, "没有找到该用户。");

export async function loader(args: LoaderFunctionArgs) {
  await requireUser(args, "admin");
  const db = getDb();
  const user = await getUserSummary(db, userIdFrom(args.params));
  if (!user) notFound("没有找到该用户。");
  return {
    user: user,
    units: await listUnits(db, { includeInactive: true }),
    loginFailures: await countAccountFailures(db, user.username),
  };
}

export async function action(args: ActionFunctionArgs) {
  const admin = await requireUser(args, "admin");
  const db = getDb();
  const userId = userIdFrom(args.params);
  const formData = await readForm(args.request);
  const intent = readIntent(formData, ["save", "resetPassword", "clearLoginDelays"] as const);

  if (intent === "clearLoginDelays") {
    const cleared = await clearLoginDelays(db, admin.id, userId);
    return { kind: "cleared" as const, cleared };
  }

  if (intent === "resetPassword") {
    const password = randomPassword();
    await setPassword(db, admin.id, userId, password, { mustChangePassword: true });
    return { kind: "reset" as const, password };
  }

  const parsed = parseForm(formData, EditUserSchema);
  if (!parsed.ok) return data({ kind: "invalid" as const, errors: parsed.errors, values: parsed.values }, { status: 400 });
  if (userId === admin.id && (parsed.data.disabled || parsed.data.role !== "admin")) {
    badRequest("不能停用自己的账号或取消自己的管理员角色，以免系统无人管理。");
  }
  await updateUser(db, admin.id, userId, parsed.data.version, {
    displayName: parsed.data.displayName,
    role: parsed.data.role,
    unitId: parsed.data.unitId,
    disabled: parsed.data.disabled,
  });
  return redirect("/admin/users");
}

/**
 * A card with one button that posts `intent`: what it did once done (else a hint), and an
 * optional confirmation before posting.
 */
function ActionCard({
  id,
  title,
  done,
  hint,
  intent,
  buttonClassName,
  buttonLabel,
  confirm,
}: {
  id: string;
  title: string;
  done: ReactNode;
  hint: string;
  intent: string;
  buttonClassName: string;
  buttonLabel: string;
  confirm?: string;
}) {
  return (
    <section className="card stack" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {done ? (
        <p className="notice" role="status">
          {done}
        </p>
      ) : (
        <p className="muted">{hint}</p>
      )}
      <Form method="post" onSubmit={confirmSubmit(confirm)}>
        <button type="submit" name="intent" value={intent} className={buttonClassName}>
          {buttonLabel}
        </button>
      </Form>
    </section>
  );
}

export default function EditUser() {
  const { user, units, loginFailures } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const pending = useNavigation().state === "submitting";
  const invalid = actionData?.kind === "invalid" ? actionData : null;
  const errors: Record<string, string> = invalid?.errors ?? {};
  const values: Record<string, string> = invalid?.values ?? {};
  return (
    <div className="stack narrow">
      <p>
        <Link to="/admin/users">← 返回用户列表</Link>
      </p>
      <section className="card stack" aria-labelledby="edit-user-title">
        <h2 id="edit-user-title">编辑用户：{user.username}</h2>
        <Form method="post" className="stack" noValidate>
          <input type="hidden" name="version" value={user.version} />
          <Field name="displayName" label="姓名" error={errors.displayName} defaultValue={values.displayName ?? user.display_name} />
          <RoleAndUnitFields
            role={values.role ?? user.role}
            unitId={values.unitId ?? (user.unit_id != null ? String(user.unit_id) : "")}
            units={units}
            errors={errors}
          />
          <label className="checkbox">
            <input type="checkbox" name="disabled" defaultChecked={invalid ? values.disabled === "on" : Boolean(user.disabled)} />
            <span>停用此账号（立即退出其所有登录）</span>
          </label>
          <button type="submit" name="intent" value="save" className="button primary" disabled={pending}>
            {pending ? "正在保存…" : "保存"}
          </button>
        </Form>
      </section>
      <ActionCard
        id="reset-title"
        title="重置密码"
        done={
          actionData?.kind === "reset" ? (
            <>
              新的一次性密码：<code className="secret">{actionData.password}</code>
              。请转告本人，此密码只显示这一次，登录后须修改。
            </>
          ) : null
        }
        hint="生成一个一次性密码，该用户的所有登录立即失效。"
        intent="resetPassword"
        buttonClassName="button danger"
        buttonLabel="重置密码"
        confirm={`确定要重置 ${user.username} 的密码吗？其当前登录将全部失效。`}
      />
      <ActionCard
        id="login-delays-title"
        title="登录限制"
        done={actionData?.kind === "cleared" ? "已解除登录限制，该用户现在可以立即登录。" : null}
        hint={
          loginFailures > 0
            ? `最近15分钟内有${loginFailures}次失败的登录尝试。失败较多时，再次登录需要等待一段时间；确认是本人后可在此解除。`
            : "最近15分钟内没有失败的登录尝试。"
        }
        intent="clearLoginDelays"
        buttonClassName="button"
        buttonLabel="解除登录限制"
      />
    </div>
  );
}
