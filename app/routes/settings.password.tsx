import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { ChangePasswordSchema } from "~/models/user-validation.server";
import { setPassword } from "~/models/users.server";
import { requireUser } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { parseForm, readForm } from "~/utils/forms.server";
import { requestIsHttps } from "~/utils/https.server";
import { checkPasswordWithLimits } from "~/utils/rate-limit.server";
import { createSession, generateSessionToken, sessionCookie } from "~/utils/session.server";
import type { PageHandle } from "~/utils/kept-page";

export const handle: PageHandle = { keptWhileUnchanged: true };

export const meta: MetaFunction = () => [{ title: "修改密码 · 年度重点工作看板" }];

export async function loader(args: LoaderFunctionArgs) {
  const user = await requireUser(args);
  return { mustChange: user.mustChangePassword };
}

export async function action(args: ActionFunctionArgs) {
  const user = await requireUser(args);
  const db = getDb();
  const parsed = parseForm(await readForm(args.request), ChangePasswordSchema);
  if (!parsed.ok) return data({ errors: parsed.errors }, { status: 400 });
  // The current password is guessed no faster here than on the login page: the same limits.
  const check = await checkPasswordWithLimits(db, {
    username: user.username,
    address: args.context.clientAddress,
    password: parsed.data.currentPassword,
    passwordHash: async () =>
      (await db.selectFrom("users").select("password_hash").where("id", "=", user.id).executeTakeFirstOrThrow()).password_hash,
  });
  if (!check.ok) {
    return data(
      { errors: { currentPassword: check.message } as Record<string, string> },
      { status: check.status, headers: { "Retry-After": String(Math.max(1, check.retryAfterSeconds)) } },
    );
  }
  if (!check.passwordOk) {
    return data({ errors: { currentPassword: "当前密码不正确。" } as Record<string, string> }, { status: 400 });
  }
  // Ends every session of this user (other devices too), then signs this device in again.
  await setPassword(db, user.id, user.id, parsed.data.newPassword, { mustChangePassword: false });
  const token = generateSessionToken();
  const session = await createSession(db, token, user.id);
  return redirect("/?passwordChanged=1", { headers: { "Set-Cookie": sessionCookie(token, session.expiresAt, requestIsHttps(args)) } });
}

export default function ChangePasswordPage() {
  const { mustChange } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errors: Record<string, string> = actionData?.errors ?? {};
  const pending = useNavigation().state === "submitting";
  const fields = [
    { name: "currentPassword", label: mustChange ? "一次性密码（当前密码）" : "当前密码", auto: "current-password" },
    { name: "newPassword", label: "新密码（至少8个字符）", auto: "new-password" },
    { name: "confirmPassword", label: "再次输入新密码", auto: "new-password" },
  ];
  return (
    <section className="page narrow">
      <h1>修改密码</h1>
      {mustChange ? (
        <p className="notice" role="status">
          为了账号安全，首次登录请先设置您自己的密码。
        </p>
      ) : (
        <p className="muted">修改后，您在其他设备上的登录将全部失效。</p>
      )}
      <Form method="post" className="stack card" noValidate>
        {fields.map((field) => (
          <label className="field" key={field.name}>
            <span>{field.label}</span>
            <input
              type="password"
              name={field.name}
              autoComplete={field.auto}
              required
              aria-invalid={errors[field.name] ? true : undefined}
              aria-describedby={errors[field.name] ? `${field.name}-error` : undefined}
            />
            {errors[field.name] ? (
              <span className="field-error" id={`${field.name}-error`}>
                {errors[field.name]}
              </span>
            ) : null}
          </label>
        ))}
        <button type="submit" className="button primary" disabled={pending}>
          {pending ? "正在保存…" : "保存新密码"}
        </button>
      </Form>
    </section>
  );
}
