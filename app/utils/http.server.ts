// Where a domain Refusal (~/lib/refusal) becomes an HTTP answer: the one converter between
// models and Remix. Routes and models throw Refusals; `withRefusals` wraps every loader and
// action of the server build so a thrown Refusal reaches Remix as `data({ message, detail },
// { status })`, which the shared error boundary renders in Chinese.
import { data, type ServerBuild } from "@remix-run/node";
import { parseRowId } from "~/lib/row-id";
import { isRefusal, notFound, type Refusal } from "~/lib/refusal";

export interface ErrorPayload {
  message: string;
  /** Extra detail the page may show, e.g. what changed for a 409. */
  detail?: unknown;
}

/** The row id in a URL segment such as /board/:taskId, or a 404 saying what was not found. */
export function rowIdParam(value: string | undefined, message: string): number {
  const id = parseRowId(value);
  return id ?? notFound(message);
}

/** A Refusal as Remix answers it. */
export function refusalData(refusal: Refusal) {
  return data<ErrorPayload>({ message: refusal.message, detail: refusal.details }, { status: refusal.status });
}

type Handler = (...args: never[]) => unknown;

function convertingRefusals<F extends Handler>(handler: F): F {
  return (async (...args: Parameters<F>) => {
    try {
      return await handler(...args);
    } catch (thrown) {
      if (isRefusal(thrown)) throw refusalData(thrown);
      throw thrown;
    }
  }) as unknown as F;
}

/** The server build with every loader and action converting a thrown Refusal (see above). */
export function withRefusals(build: ServerBuild): ServerBuild {
  const routes: ServerBuild["routes"] = {};
  for (const [id, route] of Object.entries(build.routes)) {
    const { loader, action } = route.module;
    routes[id] = {
      ...route,
      module: {
        ...route.module,
        ...(loader ? { loader: convertingRefusals(loader) } : {}),
        ...(action ? { action: convertingRefusals(action) } : {}),
      },
    };
  }
  return { ...build, routes };
}

/**
 * What a loader or action returned or threw, as the HTTP answer it becomes: a Refusal, a
 * `data(…, init)` or a Response (its status and payload), else null (a plain value: 200, or an
 * error: 500). The server log and the tests read answers through this, never through
 * Remix's internal tags.
 */
export function answerOf(value: unknown): { status: number; data: unknown; headers: Headers } | null {
  if (isRefusal(value)) return { status: value.status, data: { message: value.message, detail: value.details }, headers: new Headers() };
  if (value instanceof Response) return { status: value.status, data: null, headers: value.headers };
  if (typeof value !== "object" || value === null) return null;
  const tagged = value as { type?: unknown; data?: unknown; init?: ResponseInit | null };
  if (tagged.type !== "DataWithResponseInit") return null;
  // Without a status Remix answers 200 for a returned value and 500 for a thrown one; callers say which.
  return { status: tagged.init?.status ?? 0, data: tagged.data, headers: new Headers(tagged.init?.headers) };
}

/** A refusal thrown by a model or route (400/403/404/409/413): status, message and detail. */
export function refusalOf(thrown: unknown): { status: number; message: string; detail?: unknown } | null {
  if (isRefusal(thrown)) return { status: thrown.status, message: thrown.message, detail: thrown.details };
  const answer = answerOf(thrown);
  if (!answer || answer.status < 400 || answer.status >= 500 || answer.data == null) return null;
  const payload = answer.data as Partial<ErrorPayload>;
  return {
    status: answer.status,
    message: typeof payload.message === "string" ? payload.message : "操作未能完成，请刷新后重试。",
    detail: payload.detail,
  };
}
