// Calling loaders and actions the way Remix does: real Requests, thrown responses caught.
import type { ActionFunction, AppLoadContext, LoaderFunction } from "@remix-run/node";
import { getDb } from "../../app/utils/db.server";
import { createSession, generateSessionToken, SESSION_COOKIE_NAME } from "../../app/utils/session.server";
import { answerOf } from "../../app/utils/http.server";
import type { Actor } from "../../app/utils/permissions";

export const ORIGIN = "http://localhost:3000";
export const TEST_PASSWORD = "demo-pass-2025";

export interface RequestOptions {
  method?: string;
  form?: Record<string, string | string[]>;
  cookie?: string | null;
  origin?: string | null;
  headers?: Record<string, string>;
}

export function makeRequest(path: string, options: RequestOptions = {}): Request {
  const method = options.method ?? (options.form ? "POST" : "GET");
  const headers = new Headers(options.headers);
  if (options.cookie) headers.set("Cookie", options.cookie);
  if (method !== "GET" && options.origin !== null) headers.set("Origin", options.origin ?? ORIGIN);
  let body: URLSearchParams | undefined;
  if (options.form) {
    body = new URLSearchParams();
    for (const [key, value] of Object.entries(options.form)) {
      for (const v of Array.isArray(value) ? value : [value]) body.append(key, v);
    }
  }
  return new Request(`${ORIGIN}${path}`, { method, headers, body });
}

/** Signs a user in directly (no password round trip) and returns the Cookie header. */
export async function cookieFor(username: string): Promise<string> {
  const db = getDb();
  const user = await db.selectFrom("users").select("id").where("username", "=", username).executeTakeFirstOrThrow();
  const token = generateSessionToken();
  await createSession(db, token, user.id);
  return `${SESSION_COOKIE_NAME}=${token}`;
}

export interface Outcome {
  status: number;
  data: any;
  headers: Headers;
  location: string | null;
}

// What the app answers (a Refusal, `data(value, init)` or a Response), read as the server would.
function toOutcome(value: unknown): Outcome {
  const answer = answerOf(value);
  if (!answer) return { status: 200, data: value, headers: new Headers(), location: null };
  return { status: answer.status || 200, data: answer.data, headers: answer.headers, location: answer.headers.get("Location") };
}

export interface CallOptions {
  params?: Record<string, string>;
  context?: Partial<AppLoadContext>;
}

async function call(fn: LoaderFunction | ActionFunction | undefined, request: Request, options: CallOptions) {
  if (!fn) throw new Error("route has no such function");
  try {
    const result = await fn({ request, params: options.params ?? {}, context: (options.context ?? {}) as AppLoadContext });
    return toOutcome(result);
  } catch (thrown) {
    if (answerOf(thrown)) return toOutcome(thrown);
    throw thrown;
  }
}

export const callLoader = (fn: LoaderFunction | undefined, request: Request, options: CallOptions = {}) => call(fn, request, options);
export const callAction = (fn: ActionFunction | undefined, request: Request, options: CallOptions = {}) => call(fn, request, options);

/** The demo data as most integration tests use it: a plan's id, every user as an Actor, units by name, a session per demo account. */
export interface DemoSetting {
  planId: number;
  actors: Record<string, Actor>;
  units: Record<string, number>;
  cookies: Record<string, string>;
}

export async function loadDemoSetting(year = 2025): Promise<DemoSetting> {
  const db = getDb();
  const planId = (await db.selectFrom("plans").select("id").where("year", "=", year).executeTakeFirstOrThrow()).id;
  const users = await db.selectFrom("users").select(["id", "username", "role", "unit_id"]).execute();
  const actors = Object.fromEntries(users.map((u) => [u.username, { id: u.id, role: u.role, unitId: u.unit_id }]));
  const units = Object.fromEntries((await db.selectFrom("units").select(["id", "name"]).execute()).map((u) => [u.name, u.id]));
  const cookies: Record<string, string> = {};
  for (const name of ["admin", "leader", "secretary", "viewer"]) cookies[name] = await cookieFor(name);
  return { planId, actors, units, cookies };
}
