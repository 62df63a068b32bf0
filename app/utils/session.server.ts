// Sessions as lucia-auth.com teaches them: a random token lives only in the user's
// HttpOnly cookie; the database keeps its SHA-256 as the session id, with a sliding expiry.
import { sha256 } from "@oslojs/crypto/sha2";
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from "@oslojs/encoding";
import type { AppDatabase } from "../../db/index";
import type { User } from "../../db/schema";
import { whileUnchanged } from "~/utils/while-unchanged.server";

export const SESSION_COOKIE_NAME = "kanban_session";
const DAY_MS = 24 * 60 * 60 * 1000;
export const SESSION_LIFETIME_MS = 30 * DAY_MS;

export interface SessionRecord {
  id: string;
  userId: number;
  expiresAt: Date;
}

export interface ValidatedSession {
  session: SessionRecord;
  user: User;
  /** True when the expiry was just pushed out, so the cookie must be sent again. */
  renewed: boolean;
}

export function generateSessionToken(): string {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

export function sessionIdFromToken(token: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

export async function createSession(db: AppDatabase, token: string, userId: number, now: Date = new Date()): Promise<SessionRecord> {
  const session: SessionRecord = {
    id: sessionIdFromToken(token),
    userId,
    expiresAt: new Date(now.getTime() + SESSION_LIFETIME_MS),
  };
  await db
    .insertInto("sessions")
    .values({
      id: session.id,
      user_id: userId,
      expires_at: session.expiresAt.toISOString(),
      created_at: now.toISOString(),
    })
    .execute();
  return session;
}

export async function validateSessionToken(db: AppDatabase, token: string, now: Date = new Date()): Promise<ValidatedSession | null> {
  const sessionId = sessionIdFromToken(token);
  const row = await db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .select(["sessions.id as session_id", "sessions.expires_at as session_expires_at"])
    .selectAll("users")
    .where("sessions.id", "=", sessionId)
    .executeTakeFirst();
  if (!row) return null;

  const { session_id, session_expires_at, ...user } = row;
  const expiresAt = new Date(session_expires_at);
  if (now.getTime() >= expiresAt.getTime() || user.disabled) {
    await db.deleteFrom("sessions").where("id", "=", session_id).execute();
    return null;
  }

  const session: SessionRecord = { id: session_id, userId: user.id, expiresAt };
  let renewed = false;
  if (expiresAt.getTime() - now.getTime() < SESSION_LIFETIME_MS / 2) {
    session.expiresAt = new Date(now.getTime() + SESSION_LIFETIME_MS);
    await db.updateTable("sessions").set({ expires_at: session.expiresAt.toISOString() }).where("id", "=", session.id).execute();
    renewed = true;
  }
  return { session, user, renewed };
}

/**
 * validateSessionToken, reusing a validation made since the database last changed (see
 * whileUnchanged) as long as it needs no write: not expired and not yet due for renewal.
 * Logging out, disabling a user or changing a password writes, so none of them is missed.
 */
export async function validateSessionReusing(
  db: AppDatabase,
  token: string,
  scope?: object,
  now: Date = new Date(),
): Promise<ValidatedSession | null> {
  const reused = await whileUnchanged(db, `session:${sessionIdFromToken(token)}`, () => validateSessionToken(db, token, now), scope);
  if (!reused || reused.renewed) return reused;
  const left = reused.session.expiresAt.getTime() - now.getTime();
  return left >= SESSION_LIFETIME_MS / 2 ? reused : validateSessionToken(db, token, now);
}

export async function invalidateSession(db: AppDatabase, sessionId: string): Promise<void> {
  await db.deleteFrom("sessions").where("id", "=", sessionId).execute();
}

export async function invalidateUserSessions(db: AppDatabase, userId: number): Promise<void> {
  await db.deleteFrom("sessions").where("user_id", "=", userId).execute();
}

/**
 * Whether the session cookie carries `Secure`: exactly when the request came over HTTPS
 * (browsers drop a Secure cookie set over http://192.168.x.x, so nobody on the LAN could sign
 * in), unless COOKIE_SECURE=1 or 0 forces it.
 */
export function cookieSecure(https: boolean, setting = process.env.COOKIE_SECURE): boolean {
  if (setting === "1") return true;
  if (setting === "0") return false;
  return https;
}

export function sessionCookie(token: string, expiresAt: Date, https: boolean): string {
  const parts = [`${SESSION_COOKIE_NAME}=${token}`, "Path=/", "HttpOnly", "SameSite=Lax", `Expires=${expiresAt.toUTCString()}`];
  if (cookieSecure(https)) parts.push("Secure");
  return parts.join("; ");
}

export function blankSessionCookie(https: boolean): string {
  const parts = [`${SESSION_COOKIE_NAME}=`, "Path=/", "HttpOnly", "SameSite=Lax", "Max-Age=0"];
  if (cookieSecure(https)) parts.push("Secure");
  return parts.join("; ");
}

export function readSessionToken(request: Request): string | null {
  return sessionTokenOfCookieHeader(request.headers.get("Cookie"));
}

/** The same, from a Cookie header as the HTTP server hands it over (no Fetch Request built). */
export function sessionTokenOfCookieHeader(header: string | null | undefined): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === SESSION_COOKIE_NAME) {
      const value = part.slice(eq + 1).trim();
      return /^[a-z2-7]{20,64}$/.test(value) ? value : null;
    }
  }
  return null;
}
