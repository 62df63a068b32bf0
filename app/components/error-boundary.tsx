// One error page for every route: 400/403/404/409/500 in Chinese, with a way back.
import { isRouteErrorResponse, Link, useRouteError, useRouteLoaderData } from "@remix-run/react";

const TITLES: Record<number, string> = {
  400: "提交的内容有误",
  401: "请先登录",
  403: "没有权限",
  404: "页面不存在",
  405: "不支持的操作",
  409: "已被他人修改",
  413: "文件太大",
  500: "系统出错了",
};

const DEFAULT_MESSAGES: Record<number, string> = {
  400: "请求内容有误，请检查后重试。",
  403: "您没有权限访问此页面或进行此操作。如需开通，请联系系统管理员。",
  404: "没有找到您要的页面，它可能已被删除或地址有误。",
  409: "您看到的内容已被他人修改，请刷新后再试。",
  500: "服务器处理请求时出错。请稍后重试；如果问题持续，请把下面的编号告诉系统管理员。",
};

function messageOf(data: unknown): string | null {
  if (data && typeof data === "object" && "message" in data && typeof data.message === "string") {
    return data.message;
  }
  return typeof data === "string" && data.length < 300 && !data.includes("<") ? data : null;
}

/** A request the browser could not send or got no answer to (network gone, server restarting). */
function isNetworkFailure(error: unknown): boolean {
  return error instanceof TypeError && /fetch|network|load failed/i.test(error.message);
}

export function GeneralErrorBoundary() {
  const error = useRouteError();
  const requestId = (useRouteLoaderData("root") as { requestId?: string | null } | undefined)?.requestId;
  if (isNetworkFailure(error)) {
    // Not a server error: say so, and offer the same page again. Forms keep a draft in this
    // browser (填报), which the page restores in place when it opens.
    return (
      <section className="error-page" role="alert" aria-labelledby="error-title">
        <h1 id="error-title">网络连接中断</h1>
        <p>没有连上服务器，刚才的操作可能没有完成。填报表单中输入的内容已保存在本机；请检查网络，恢复后点“重新打开”继续。</p>
        <p className="error-actions">
          <a className="button" href="">
            重新打开
          </a>
          <Link className="button secondary" to="/">
            返回首页
          </Link>
        </p>
      </section>
    );
  }
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const message =
    (isRouteErrorResponse(error) && status !== 500 ? messageOf(error.data) : null) ?? DEFAULT_MESSAGES[status] ?? DEFAULT_MESSAGES[500];
  return (
    <section className="error-page" role="alert" aria-labelledby="error-title">
      <p className="error-code">{status}</p>
      <h1 id="error-title">{TITLES[status] ?? "出错了"}</h1>
      <p>{message}</p>
      {status >= 500 && requestId ? <p className="muted small">错误编号：{requestId}</p> : null}
      <p className="error-actions">
        {status === 409 ? (
          <a className="button" href="">
            刷新页面
          </a>
        ) : null}
        <Link className="button secondary" to="/">
          返回首页
        </Link>
      </p>
    </section>
  );
}
