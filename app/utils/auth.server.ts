// The helper every loader and action calls first: who is asking, and may they?
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import type { User } from "../../db/schema";
import { getDb } from "~/utils/db.server";
import { forbidden } from "~/lib/refusal";
import { can, type Actor, type Permission } from "~/utils/permissions";
import { requestIsHttps } from "~/utils/https.server";
import { readSessionToken, sessionCookie, validateSessionReusing, validateSessionToken } from "~/utils/session.server";
import { isReadOnlyRequest } from "~/utils/while-unchanged.server";

export type RequestArgs = Pick<LoaderFunctionArgs | ActionFunctionArgs, "request" | "context">;

export interface CurrentUser extends Actor {
  username: string;
  displayName: string;
  sessionId: string;
  mustChangePassword: boolean;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * CSRF defence: a state-changing request must come from our own pages. Browsers send
 * Origin on every cross-site and same-site POST; a missing or foreign Origin is refused.
 */
export function assertSameOrigin(request: Request): void {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return;
  const origin = request.headers.get("Origin");
  const expected = new URL(request.url).origin;
  if (!origin || origin !== expected) {
    forbidden("请求来源无法验证，已被拒绝。请回到本系统页面重新操作。");
  }
}

function toCurrentUser(user: User, sessionId: string): CurrentUser {
  return {
    id: user.id,
    role: user.role,
    unitId: user.unit_id,
    username: user.username,
    displayName: user.display_name,
    sessionId,
    mustChangePassword: Boolean(user.must_change_password),
  };
}

// The root loader and the page's loader both ask who is signed in. Remix gives each loader
// its own copy of the Request but one load context per HTTP request, so a GET's answer is kept
// per context: one session lookup per page. Anything else is looked up afresh, so loaders that
// run after an action (which may have changed the user or ended the session) never see the
// user as it was before it.
const usersByRequest = new WeakMap<object, Promise<CurrentUser | null>>();

/** The signed-in user, or null. Renews the cookie when the session was extended. */
export function getCurrentUser(args: RequestArgs): Promise<CurrentUser | null> {
  const key: object = args.request.method === "GET" && args.context ? args.context : args.request;
  let user = usersByRequest.get(key);
  if (!user) {
    user = lookUpCurrentUser(args);
    usersByRequest.set(key, user);
  }
  return user;
}

async function lookUpCurrentUser({ request, context }: RequestArgs): Promise<CurrentUser | null> {
  const token = readSessionToken(request);
  if (!token) return null;
  // A GET the conditional-request check let through has had its session read already.
  const checked = request.method === "GET" ? context?.checked?.session : undefined;
  // A reused validation saves a read only while nothing was written since; a POST comes to write,
  // so under a stream of them the probe for that (pragma data_version) would only add a trip.
  const result =
    checked ??
    (isReadOnlyRequest(request) ? await validateSessionReusing(getDb(), token, context) : await validateSessionToken(getDb(), token));
  if (!result) return null;
  if (result.renewed) context?.appendSetCookie?.(sessionCookie(token, result.session.expiresAt, requestIsHttps({ request, context })));
  context?.setLoggedUser?.(result.user.id);
  return toCurrentUser(result.user, result.session.id);
}

function loginRedirect(request: Request): never {
  const url = new URL(request.url);
  const back = `${url.pathname}${url.search}`;
  const search = back && back !== "/" ? `?${new URLSearchParams({ redirectTo: back })}` : "";
  throw redirect(`/login${search}`);
}

/**
 * Requires a signed-in user (else redirects to /login), checks the Origin of every
 * non-GET request, sends users who must change their password to do so first, and,
 * given a permission, answers 403 when the user lacks it.
 */
export async function requireUser(args: RequestArgs, permission: Permission = "read"): Promise<CurrentUser> {
  assertSameOrigin(args.request);
  const user = await getCurrentUser(args);
  if (!user) loginRedirect(args.request);
  const path = new URL(args.request.url).pathname;
  if (user.mustChangePassword && path !== "/settings/password" && path !== "/logout") {
    throw redirect("/settings/password");
  }
  // Unit-scoped rights (a secretary's own tasks) are checked again with the task's units.
  if (!can(user, permission, user.unitId != null ? [user.unitId] : [])) forbidden();
  return user;
}

// Any origin will do to resolve against: only a result on this same origin is kept, as a path.
const RESOLVE_ORIGIN = "http://this-site.invalid";

/**
 * Only a path on this site is a safe place to go after login. Control characters and
 * whitespace are refused outright (browsers drop a tab or newline, so "/\t/evil.example" is
 * "//evil.example" to them, and a newline is not allowed in a header at all); the rest is
 * resolved as a URL and kept only if it stays on the same origin. Anything else goes to "/".
 */
export function safeRedirectPath(value: FormDataEntryValue | string | null | undefined): string {
  if (typeof value !== "string" || value.length > 2000 || !value.startsWith("/")) return "/";
  if (/[\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f\u3000\ufeff\\]/.test(value)) return "/";
  let url: URL;
  try {
    url = new URL(value, RESOLVE_ORIGIN);
  } catch {
    return "/";
  }
  if (url.origin !== RESOLVE_ORIGIN) return "/";
  return `${url.pathname}${url.search}${url.hash}`;
}
