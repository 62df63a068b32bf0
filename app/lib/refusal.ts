// Domain refusals: what a model throws when it will not do what was asked (bad input, no right,
// nothing there, someone saved first). Plain TypeScript, no framework: the server turns a
// Refusal into a response in one place (withRefusals in ~/utils/http.server), so models, the
// CLI and the tests see the same thing.

/** The statuses a refusal may carry: the request was wrong, not the server. */
export type RefusalStatus = 400 | 403 | 404 | 409 | 413;

export class Refusal extends Error {
  override readonly name = "Refusal";
  constructor(
    readonly status: RefusalStatus,
    /** Shown to the user as it is: Chinese, saying what to do next. */
    message: string,
    /** Extra detail the page may show, e.g. what changed for a 409. */
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export function fail(status: RefusalStatus, message: string, details?: unknown): never {
  throw new Refusal(status, message, details);
}

export function badRequest(message = "请求内容有误，请检查后重试。", details?: unknown): never {
  return fail(400, message, details);
}

export function forbidden(message = "您没有权限进行此操作。如需开通，请联系系统管理员。"): never {
  return fail(403, message);
}

export function notFound(message = "没有找到您要的内容，它可能已被删除。"): never {
  return fail(404, message);
}

export function conflict(message = "已被他人修改，请刷新后再试。", details?: unknown): never {
  return fail(409, message, details);
}
