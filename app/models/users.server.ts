import type { AppDatabase } from "../../db/index";
import type { Role, User } from "../../db/schema";
import { hashPassword } from "~/utils/password.server";
import { clearAccountFailures } from "~/utils/rate-limit.server";
import { invalidateUserSessions } from "~/utils/session.server";
import { recordAudit } from "~/models/audit.server";
import { conflict, notFound } from "~/lib/refusal";

/** A user as shown to other users: never the password hash. */
export type UserSummary = Omit<User, "password_hash"> & { unit_name: string | null };

function publicUser(user: User): Omit<User, "password_hash"> {
  const { password_hash: _hash, ...rest } = user;
  return rest;
}

export async function findUserByUsername(db: AppDatabase, username: string): Promise<User | undefined> {
  return db.selectFrom("users").selectAll().where("username", "=", username.trim().toLowerCase()).executeTakeFirst();
}

/** Users with their unit's name, the password hash left out. */
async function userSummaries(db: AppDatabase, userId?: number): Promise<UserSummary[]> {
  const rows = await db
    .selectFrom("users")
    .leftJoin("units", "units.id", "users.unit_id")
    .selectAll("users")
    .select("units.name as unit_name")
    .$if(userId != null, (qb) => qb.where("users.id", "=", userId!))
    .orderBy("users.disabled")
    .orderBy("users.role")
    .orderBy("users.username")
    .execute();
  return rows.map(({ password_hash: _hash, ...rest }) => rest);
}

export function listUsers(db: AppDatabase): Promise<UserSummary[]> {
  return userSummaries(db);
}

export async function getUserSummary(db: AppDatabase, userId: number): Promise<UserSummary | undefined> {
  return (await userSummaries(db, userId))[0];
}

export interface NewUserInput {
  username: string;
  displayName: string;
  role: Role;
  unitId: number | null;
  password: string;
  mustChangePassword: boolean;
}

export async function createUser(db: AppDatabase, actorId: number | null, input: NewUserInput): Promise<User> {
  const passwordHash = await hashPassword(input.password);
  const now = new Date().toISOString();
  const username = input.username.trim().toLowerCase();
  return db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom("users").select("id").where("username", "=", username).executeTakeFirst();
    if (existing) conflict(`用户名“${username}”已被使用，请换一个。`);
    const user = await trx
      .insertInto("users")
      .values({
        username,
        display_name: input.displayName,
        password_hash: passwordHash,
        role: input.role,
        unit_id: input.role === "secretary" ? input.unitId : null,
        must_change_password: input.mustChangePassword ? 1 : 0,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, { actorId, action: "user.create", entity: "user", entityId: user.id, after: publicUser(user) });
    return user;
  });
}

export interface UserEdit {
  displayName: string;
  role: Role;
  unitId: number | null;
  disabled: boolean;
}

/** Edits role, unit and status; disabling (or any role change) ends the user's sessions. */
export async function updateUser(db: AppDatabase, actorId: number | null, userId: number, version: number, edit: UserEdit): Promise<User> {
  const now = new Date().toISOString();
  return db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom("users").selectAll().where("id", "=", userId).executeTakeFirst();
    if (!before) notFound("没有找到该用户。");
    if (before.version !== version) {
      conflict("已被他人修改：该账号在您编辑期间被其他管理员更新，请查看最新内容后再保存。", {
        current: publicUser(before),
      });
    }
    const after = await trx
      .updateTable("users")
      .set({
        display_name: edit.displayName,
        role: edit.role,
        unit_id: edit.role === "secretary" ? edit.unitId : null,
        disabled: edit.disabled ? 1 : 0,
        updated_at: now,
        version: version + 1,
      })
      .where("id", "=", userId)
      .where("version", "=", version)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (edit.disabled || before.role !== edit.role || before.unit_id !== after.unit_id) {
      await trx.deleteFrom("sessions").where("user_id", "=", userId).execute();
    }
    await recordAudit(trx, {
      actorId,
      action: edit.disabled && !before.disabled ? "user.disable" : "user.update",
      entity: "user",
      entityId: userId,
      before: publicUser(before),
      after: publicUser(after),
    });
    return after;
  });
}

/**
 * Sets a new password and ends every session of the user. An admin's reset makes the
 * user choose their own password at next login; a user's own change does not.
 */
export async function setPassword(
  db: AppDatabase,
  actorId: number | null,
  userId: number,
  newPassword: string,
  { mustChangePassword }: { mustChangePassword: boolean },
): Promise<void> {
  const passwordHash = await hashPassword(newPassword);
  const now = new Date().toISOString();
  await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom("users").select(["id", "version"]).where("id", "=", userId).executeTakeFirst();
    if (!before) notFound("没有找到该用户。");
    await trx
      .updateTable("users")
      .set({
        password_hash: passwordHash,
        must_change_password: mustChangePassword ? 1 : 0,
        updated_at: now,
        version: before.version + 1,
      })
      .where("id", "=", userId)
      .execute();
    await trx.deleteFrom("sessions").where("user_id", "=", userId).execute();
    await recordAudit(trx, {
      actorId,
      action: actorId === userId ? "user.change_password" : "user.reset_password",
      entity: "user",
      entityId: userId,
    });
  });
}

export { invalidateUserSessions };

/** An admin lifts the login delays that failed guesses put on an account, with its audit row. */
export async function clearLoginDelays(db: AppDatabase, actorId: number, userId: number): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const user = await trx.selectFrom("users").select("username").where("id", "=", userId).executeTakeFirst();
    if (!user) return 0;
    const cleared = await clearAccountFailures(trx, user.username);
    await recordAudit(trx, { actorId, action: "user.clear_login_delays", entity: "user", entityId: userId, after: { cleared } });
    return cleared;
  });
}
