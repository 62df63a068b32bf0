// Failed-login throttling, kept in the database so several app servers share the count.
//
// Every password check (login, and the current password on 修改密码) is reserved before argon2
// runs: one transaction reads the recent failures of the attempt's keys and, if no delay is
// due, records the attempt as a failure right away. Concurrent guesses therefore count as they
// arrive, not after their checks finish. A check that succeeds removes its reservation.
//
// Instead of locking an account for everyone, failures earn a progressive delay per
// (account, address) pair, per address, and — much later and capped at a few minutes — per
// account from all addresses together (OWASP's authentication guidance): a stranger's guesses
// slow down the stranger, not the leader signing in from the office. An admin can clear them.
import { sql, type ExpressionBuilder, type Kysely } from "kysely";
import type { AppDatabase } from "../../db/index";
import type { Database } from "../../db/schema";
import { PasswordChecksBusy, verifyPasswordQueued } from "~/utils/password.server";

const LOGIN_WINDOW_MS = 15 * 60 * 1000;
/** Failures of one account from one address before delays start. */
export const MAX_FAILURES_PER_ACCOUNT = 5;
/** Failures from one address (any accounts) before delays start. */
const MAX_FAILURES_PER_ADDRESS = 30;
/** Failures of one account from all addresses together before delays start. */
const MAX_FAILURES_PER_ACCOUNT_ANYWHERE = 20;

export interface DelayPolicy {
  /** Failures within the window that cost nothing. */
  free: number;
  /** The wait after the first failure beyond `free`; it doubles with each further one. */
  firstDelayMs: number;
  maxDelayMs: number;
}

const ACCOUNT_FROM_ADDRESS: DelayPolicy = { free: MAX_FAILURES_PER_ACCOUNT, firstDelayMs: 30_000, maxDelayMs: LOGIN_WINDOW_MS };
const ADDRESS: DelayPolicy = { free: MAX_FAILURES_PER_ADDRESS, firstDelayMs: 30_000, maxDelayMs: LOGIN_WINDOW_MS };
// Capped low: many addresses together can slow an account down, never lock it out.
const ACCOUNT_ANYWHERE: DelayPolicy = { free: MAX_FAILURES_PER_ACCOUNT_ANYWHERE, firstDelayMs: 30_000, maxDelayMs: 5 * 60_000 };

/** How long after the last of `failures` recent failures the next attempt must wait. */
export function delayAfterFailures(failures: number, policy: DelayPolicy): number {
  if (failures < policy.free) return 0;
  return Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.min(30, failures - policy.free));
}

const normalized = (username: string) => username.trim().toLowerCase();

export function accountKey(username: string, address?: string): string {
  return address ? `account:${normalized(username)}@${address}` : `account:${normalized(username)}`;
}

export function accountAnywhereKey(username: string): string {
  return `account-all:${normalized(username)}`;
}

export function addressKey(address: string): string {
  return `address:${address}`;
}

function keysOf(username: string, address: string | undefined): { key: string; policy: DelayPolicy }[] {
  const keys = [
    { key: accountKey(username, address), policy: ACCOUNT_FROM_ADDRESS },
    { key: accountAnywhereKey(username), policy: ACCOUNT_ANYWHERE },
  ];
  if (address) keys.push({ key: addressKey(address), policy: ADDRESS });
  return keys;
}

type Reader = Pick<AppDatabase, "selectFrom">;

/** Milliseconds until this key may try again, or 0. */
async function waitFor(db: Reader, key: string, policy: DelayPolicy, now: Date): Promise<number> {
  const since = new Date(now.getTime() - LOGIN_WINDOW_MS).toISOString();
  const recent = await db
    .selectFrom("login_failures")
    .select("failed_at")
    .where("key", "=", key)
    .where("failed_at", ">", since)
    .orderBy("failed_at", "desc")
    .limit(policy.free + 32)
    .execute();
  const delay = delayAfterFailures(recent.length, policy);
  if (delay === 0) return 0;
  return Math.max(0, new Date(recent[0].failed_at).getTime() + delay - now.getTime());
}

/** The per-address wait alone: checked before a login form is even read. */
export async function addressWaitMs(db: AppDatabase, address: string | undefined, now = new Date()): Promise<number> {
  return address ? waitFor(db, addressKey(address), ADDRESS, now) : 0;
}

type Reservation = { ok: true; ids: number[] } | { ok: false; waitMs: number };

/** Atomically: refuse with the wait due, or record this attempt as a failure in advance. */
export async function reserveLoginAttempt(
  db: AppDatabase,
  username: string,
  address: string | undefined,
  now: Date = new Date(),
): Promise<Reservation> {
  const keys = keysOf(username, address);
  return db.transaction().execute(async (trx) => {
    let waitMs = 0;
    for (const { key, policy } of keys) waitMs = Math.max(waitMs, await waitFor(trx, key, policy, now));
    if (waitMs > 0) return { ok: false, waitMs };
    // Keep the table small: nothing older than the window matters.
    await trx
      .deleteFrom("login_failures")
      .where("failed_at", "<", new Date(now.getTime() - LOGIN_WINDOW_MS).toISOString())
      .execute();
    const rows = await trx
      .insertInto("login_failures")
      .values(keys.map(({ key }) => ({ key, failed_at: now.toISOString() })))
      .returning("id")
      .execute();
    return { ok: true, ids: rows.map((row) => Number(row.id)) };
  });
}

async function cancelReservation(db: AppDatabase, ids: number[]): Promise<void> {
  if (ids.length) await db.deleteFrom("login_failures").where("id", "in", ids).execute();
}

/** A right password: this attempt was no failure, and this address has proved itself. */
async function settleSuccess(db: AppDatabase, ids: number[], username: string, address: string | undefined) {
  await db.transaction().execute(async (trx) => {
    if (ids.length) await trx.deleteFrom("login_failures").where("id", "in", ids).execute();
    await trx.deleteFrom("login_failures").where("key", "=", accountKey(username, address)).execute();
  });
}

function accountRows(username: string) {
  const name = normalized(username);
  const escaped = name.replace(/[\\%_]/g, (c) => `\\${c}`);
  return (eb: ExpressionBuilder<Database, "login_failures">) =>
    eb.or([
      eb("key", "=", accountKey(name)),
      eb("key", "=", accountAnywhereKey(name)),
      sql<boolean>`${sql.ref("key")} like ${`account:${escaped}@%`} escape '\\'`,
    ]);
}

/** The account's recent failures from every address (what the admin's user page shows). */
export async function countAccountFailures(db: AppDatabase, username: string, now = new Date()): Promise<number> {
  const row = await db
    .selectFrom("login_failures")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    // Every attempt writes one row under this key, whatever its address.
    .where("key", "=", accountAnywhereKey(username))
    .where("failed_at", ">", new Date(now.getTime() - LOGIN_WINDOW_MS).toISOString())
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** What an admin's “解除登录限制” clears: the account's delays from every address. */
export async function clearAccountFailures(db: Kysely<Database>, username: string): Promise<number> {
  const result = await db.deleteFrom("login_failures").where(accountRows(username)).executeTakeFirst();
  return Number(result.numDeletedRows ?? 0);
}

export function waitMessage(waitMs: number): string {
  const wait = waitMs < 60_000 ? `${Math.max(1, Math.ceil(waitMs / 1000))}秒` : `${Math.ceil(waitMs / 60_000)}分钟`;
  return `登录失败次数过多，为保护账号安全请${wait}后再试。如急需登录，请联系系统管理员解除限制。`;
}

export const CHECK_IN_FLIGHT_MESSAGE = "该账号正有多次登录在验证，请稍候再试。";
export const CHECKS_BUSY_MESSAGE = "同时登录的人太多，系统繁忙，请稍后再试。";

// Per account in this process: the check running now and how many wait behind it. Checks of
// one account run one at a time; a few may wait their turn (two devices signing in at once),
// more are refused.
const MAX_WAITING_PER_ACCOUNT = 3;
const accountQueues = new Map<string, { tail: Promise<unknown>; size: number }>();

async function oneAtATime<T>(account: string, work: () => Promise<T>): Promise<T | null> {
  let queue = accountQueues.get(account);
  if (queue && queue.size > MAX_WAITING_PER_ACCOUNT) return null;
  if (!queue) {
    queue = { tail: Promise.resolve(), size: 0 };
    accountQueues.set(account, queue);
  }
  queue.size++;
  const mine = queue.tail.then(work);
  queue.tail = mine.catch(() => undefined);
  try {
    return await mine;
  } finally {
    queue.size--;
    if (queue.size === 0) accountQueues.delete(account);
  }
}

export type GuardedCheck = { ok: true; passwordOk: boolean } | { ok: false; status: 429 | 503; message: string; retryAfterSeconds: number };

/**
 * Checks a password under every limit: one check per account at a time, the delays above
 * (reserved before argon2 runs), and the global bound on concurrent argon2 work.
 */
export async function checkPasswordWithLimits(
  db: AppDatabase,
  input: { username: string; address: string | undefined; passwordHash: () => Promise<string>; password: string },
): Promise<GuardedCheck> {
  const checked = await oneAtATime(normalized(input.username), () => checkUnderLimits(db, input));
  return checked ?? { ok: false, status: 429, message: CHECK_IN_FLIGHT_MESSAGE, retryAfterSeconds: 1 };
}

async function checkUnderLimits(
  db: AppDatabase,
  input: { username: string; address: string | undefined; passwordHash: () => Promise<string>; password: string },
): Promise<GuardedCheck> {
  const reservation = await reserveLoginAttempt(db, input.username, input.address);
  if (!reservation.ok) {
    return { ok: false, status: 429, message: waitMessage(reservation.waitMs), retryAfterSeconds: Math.ceil(reservation.waitMs / 1000) };
  }
  let passwordOk: boolean;
  try {
    passwordOk = await verifyPasswordQueued(await input.passwordHash(), input.password);
  } catch (error) {
    if (!(error instanceof PasswordChecksBusy)) throw error;
    // Nothing was checked, so nothing counts.
    await cancelReservation(db, reservation.ids);
    return { ok: false, status: 503, message: CHECKS_BUSY_MESSAGE, retryAfterSeconds: 5 };
  }
  if (passwordOk) await settleSuccess(db, reservation.ids, input.username, input.address);
  return { ok: true, passwordOk };
}
