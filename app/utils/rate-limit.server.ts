// Failed-login throttling, kept in the database so several app servers share the count.
import type { AppDatabase } from "../../db/index";

export const LOGIN_WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_ACCOUNT = 5;
export const MAX_FAILURES_PER_ADDRESS = 30;

export function accountKey(username: string): string {
  return `account:${username.trim().toLowerCase()}`;
}

export function addressKey(address: string): string {
  return `address:${address}`;
}

/** Milliseconds until another attempt is allowed for this key, or 0 when allowed now. */
async function waitFor(db: AppDatabase, key: string, limit: number, now: Date): Promise<number> {
  const since = new Date(now.getTime() - LOGIN_WINDOW_MS).toISOString();
  const recent = await db
    .selectFrom("login_failures")
    .select("failed_at")
    .where("key", "=", key)
    .where("failed_at", ">", since)
    .orderBy("failed_at", "desc")
    .limit(limit)
    .execute();
  if (recent.length < limit) return 0;
  // The block lifts when the oldest of the last `limit` failures leaves the window.
  const oldest = new Date(recent[recent.length - 1].failed_at).getTime();
  return Math.max(0, oldest + LOGIN_WINDOW_MS - now.getTime());
}

export async function loginWaitMs(
  db: AppDatabase,
  username: string,
  address: string | undefined,
  now: Date = new Date(),
): Promise<number> {
  const waits = [await waitFor(db, accountKey(username), MAX_FAILURES_PER_ACCOUNT, now)];
  if (address) waits.push(await waitFor(db, addressKey(address), MAX_FAILURES_PER_ADDRESS, now));
  return Math.max(...waits);
}

export async function recordLoginFailure(
  db: AppDatabase,
  username: string,
  address: string | undefined,
  now: Date = new Date(),
): Promise<void> {
  const failedAt = now.toISOString();
  const rows = [{ key: accountKey(username), failed_at: failedAt }];
  if (address) rows.push({ key: addressKey(address), failed_at: failedAt });
  await db.transaction().execute(async (trx) => {
    await trx.insertInto("login_failures").values(rows).execute();
    // Keep the table small: nothing older than the window matters.
    await trx
      .deleteFrom("login_failures")
      .where("failed_at", "<", new Date(now.getTime() - LOGIN_WINDOW_MS).toISOString())
      .execute();
  });
}

export async function clearAccountFailures(db: AppDatabase, username: string): Promise<void> {
  await db.deleteFrom("login_failures").where("key", "=", accountKey(username)).execute();
}

export function waitMessage(waitMs: number): string {
  const minutes = Math.max(1, Math.ceil(waitMs / 60000));
  return `登录失败次数过多，为保护账号安全已暂时锁定，请${minutes}分钟后再试。`;
}
