// Domain refusals: what a model throws when it will not do what was asked (bad input, no right,
// nothing there, someone saved first). Plain TypeScript, no framework: the server turns a
// Refusal into a response in one place (withRefusals in ~/utils/http.server), so models, the
// CLI and the tests see the same thing.

/** The statuses a refusal may carry: the request was wrong, not the server. */
export type RefusalStatus = 400 | 403 | 404 | 409 | 413;

// The server (build/server.js) and the Remix build (build/index.js) are separate bundles, each
// with its own copy of this class, so `instanceof` cannot recognise a refusal thrown in the
// other one: a registered symbol marks them instead (see isRefusal).
const REFUSAL = Symbol.for("niandu-kanban.refusal");

export class Refusal extends Error {
  override readonly name = "Refusal";
  readonly [REFUSAL] = true;
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

/** A Refusal, from this bundle or another (see REFUSAL). */
export function isRefusal(value: unknown): value is Refusal {
  return typeof value === "object" && value !== null && (value as { [REFUSAL]?: unknown })[REFUSAL] === true;
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

export function payloadTooLarge(message: string): never {
  return fail(413, message);
}
