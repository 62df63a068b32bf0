import { ErrorSummary, type FieldProblem } from "~/components/error-summary";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { Field } from "~/components/field";
import { LoginSchema } from "~/models/user-validation.server";
import { findUserByUsername } from "~/models/users.server";
import { assertSameOrigin, getCurrentUser, safeRedirectPath } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { readForm } from "~/utils/forms.server";
import { requestIsHttps } from "~/utils/https.server";
import { decoyPasswordHash } from "~/utils/password.server";
import { addressWaitMs, checkPasswordWithLimits, waitMessage } from "~/utils/rate-limit.server";
import {
  createSession,
  generateSessionToken,
  invalidateSession,
  readSessionToken,
  cookieSecure,
  sessionCookie,
  sessionIdFromToken,
} from "~/utils/session.server";

// One message for a wrong password and an unknown account, so neither reveals the other.
const WRONG_CREDENTIALS = "用户名或密码错误，请检查后重试。";

export const meta: MetaFunction = () => [{ title: "登录 · 年度重点工作看板" }];

// After a successful login the browser comes back here once (?sessionCheck=1) on its way to
// the page it wanted: with the session cookie it goes on; without it, the cookie was refused.
const SESSION_CHECK = "sessionCheck";

/** Why a browser that just signed in sends no session cookie, in words its user can act on. */
function cookieRefusedMessage(https: boolean): string {
  if (cookieSecure(https) && !https) {
    return "登录成功，但浏览器没有保存登录状态：服务器设置了 COOKIE_SECURE=1（只在 HTTPS 下保存登录），而本页是通过 http:// 打开的。请改用 https:// 地址访问，或请管理员去掉 COOKIE_SECURE=1 后重启服务。";
  }
  return "登录成功，但浏览器没有保存登录状态（Cookie 被阻止），所以又回到了登录页。请在浏览器设置中允许本网站使用 Cookie（无痕模式可能阻止 Cookie），然后重新登录。";
}

export async function loader(args: LoaderFunctionArgs) {
  const searchParams = new URL(args.request.url).searchParams;
  const user = await getCurrentUser(args);
  if (user) {
    throw redirect(safeRedirectPath(searchParams.get("redirectTo")));
  }
  return { cookieRefused: searchParams.has(SESSION_CHECK) ? cookieRefusedMessage(requestIsHttps(args)) : null };
}

// The login form has three fields; anything else is ignored, and a body with more than a few
// is no login form at all.
const LOGIN_MAX_FIELDS = 10;

export async function action({ request, context }: ActionFunctionArgs) {
  assertSameOrigin(request);
  const db = getDb();
  const address = context.clientAddress;
  // An address that is already waiting is refused before its form is even read.
  const addressWait = await addressWaitMs(db, address);
  if (addressWait > 0) return refused(429, waitMessage(addressWait), Math.ceil(addressWait / 1000), "");

  const formData = await readForm(request, { maxFields: LOGIN_MAX_FIELDS });
  const field = (name: string) => formData.get(name) ?? undefined;
  const fields = { username: field("username"), password: field("password"), redirectTo: field("redirectTo") };
  const parsed = LoginSchema.safeParse(fields);
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? "_form")] ??= issue.message;
    const username = typeof fields.username === "string" ? fields.username : "";
    return data({ formError: null, errors, username }, { status: 400 });
  }
  const { username, password } = parsed.data;

  const user = await findUserByUsername(db, username);
  const check = await checkPasswordWithLimits(db, {
    username,
    address,
    password,
    passwordHash: async () => user?.password_hash ?? (await decoyPasswordHash()),
  });
  if (!check.ok) return refused(check.status, check.message, check.retryAfterSeconds, username);
  if (!user || !check.passwordOk) {
    return data({ formError: WRONG_CREDENTIALS, errors: {}, username }, { status: 400 });
  }
  if (user.disabled) {
    return data({ formError: "该账号已停用。如需恢复，请联系系统管理员。", errors: {}, username }, { status: 403 });
  }

  // A fresh token at every login: a token planted before login is never promoted.
  const previousToken = readSessionToken(request);
  if (previousToken) await invalidateSession(db, sessionIdFromToken(previousToken));
  const token = generateSessionToken();
  const session = await createSession(db, token, user.id);
  const target = user.must_change_password ? "/settings/password" : safeRedirectPath(parsed.data.redirectTo);
  const sessionCheckUrl = `/login?${new URLSearchParams({ [SESSION_CHECK]: "1", redirectTo: target })}`;
  return redirect(sessionCheckUrl, {
    headers: { "Set-Cookie": sessionCookie(token, session.expiresAt, requestIsHttps({ request, context })) },
  });
}

function refused(status: number, formError: string, retryAfterSeconds: number, username: string) {
  return data(
    { formError, errors: {} as Record<string, string>, username },
    { status, headers: { "Retry-After": String(Math.max(1, retryAfterSeconds)) } },
  );
}

export default function LoginPage() {
  const actionData = useActionData<typeof action>();
  const loaderData = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const navigation = useNavigation();
  const pending = navigation.state !== "idle" && navigation.formAction === "/login";
  const errors: Record<string, string> = actionData?.errors ?? {};
  return (
    <section className="login-page">
      <div className="login-card">
        <h1>登录</h1>
        <p className="muted">年度重点工作看板 · 街道办事处重点工作调度</p>
        <ErrorSummary
          id="login-error"
          refusalKey={actionData ?? loaderData?.cookieRefused}
          message={actionData?.formError ?? (actionData ? null : loaderData?.cookieRefused)}
          problems={[
            { fieldId: "login-username", label: "用户名", message: errors.username },
            { fieldId: "login-password", label: "密码", message: errors.password },
          ].filter((problem): problem is FieldProblem => Boolean(problem.message))}
        />
        <Form method="post" className="stack" noValidate>
          <input type="hidden" name="redirectTo" value={searchParams.get("redirectTo") ?? ""} />
          <Field
            id="login-username"
            name="username"
            label="用户名"
            error={errors.username}
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            required
            defaultValue={actionData?.username ?? ""}
          />
          <Field
            id="login-password"
            name="password"
            label="密码"
            type="password"
            error={errors.password}
            autoComplete="current-password"
            required
          />
          <button type="submit" className="button primary block" disabled={pending}>
            {pending ? "正在登录…" : "登录"}
          </button>
        </Form>
        <p className="muted small">忘记密码请联系系统管理员重置。</p>
      </div>
    </section>
  );
}
