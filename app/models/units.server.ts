import type { AppDatabase } from "../../db/index";
import type { Unit, UnitKind } from "../../db/schema";
import { recordAudit } from "~/models/audit.server";
import { conflict, notFound } from "~/lib/refusal";

export function listUnits(db: AppDatabase, { includeInactive = false } = {}): Promise<Unit[]> {
  let query = db.selectFrom("units").selectAll().orderBy("sort_order").orderBy("id");
  if (!includeInactive) query = query.where("active", "=", 1);
  return query.execute();
}

export interface UnitInput {
  name: string;
  kind: UnitKind;
  sortOrder: number;
}

export async function createUnit(db: AppDatabase, actorId: number | null, input: UnitInput): Promise<Unit> {
  const now = new Date().toISOString();
  return db.transaction().execute(async (trx) => {
    const duplicate = await trx.selectFrom("units").select("id").where("name", "=", input.name).executeTakeFirst();
    if (duplicate) conflict(`已存在名为“${input.name}”的单位，请换一个名称。`);
    const unit = await trx
      .insertInto("units")
      .values({ name: input.name, kind: input.kind, sort_order: input.sortOrder, created_at: now, updated_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, { actorId, action: "unit.create", entity: "unit", entityId: unit.id, after: unit });
    return unit;
  });
}

/**
 * Units are referenced by id everywhere, so a rename keeps all history attached.
 * `version` guards against two admins editing the same unit at once.
 */
export async function updateUnit(
  db: AppDatabase,
  actorId: number | null,
  unitId: number,
  version: number,
  input: UnitInput & { active: boolean },
): Promise<Unit> {
  const now = new Date().toISOString();
  return db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom("units").selectAll().where("id", "=", unitId).executeTakeFirst();
    if (!before) notFound("没有找到该单位，它可能已被删除。");
    if (before.version !== version) {
      conflict("已被他人修改：该单位在您编辑期间被其他人更新，请查看最新内容后再保存。", { current: before });
    }
    const duplicate = await trx
      .selectFrom("units")
      .select("id")
      .where("name", "=", input.name)
      .where("id", "!=", unitId)
      .executeTakeFirst();
    if (duplicate) conflict(`已存在名为“${input.name}”的单位，请换一个名称。`);
    const after = await trx
      .updateTable("units")
      .set({
        name: input.name,
        kind: input.kind,
        sort_order: input.sortOrder,
        active: input.active ? 1 : 0,
        updated_at: now,
        version: version + 1,
      })
      .where("id", "=", unitId)
      .where("version", "=", version)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, { actorId, action: "unit.update", entity: "unit", entityId: unitId, before, after });
    return after;
  });
}
