// Reading audit_log for the admins' searchable log: newest first, filtered by kind, person,
// date and free text, paged by id (stable while new rows arrive).
import { containsOperator } from "../../db/dialect-sql";
import type { AppDatabase } from "../../db/index";

export const AUDIT_PAGE_SIZE = 50;

export interface AuditQuery {
  /** Free text: found in the action, entity id, actor's name or the before/after JSON. */
  q: string;
  entity: string | null;
  actorId: number | null;
  /** "YYYY-MM-DD" Shanghai dates, both included. */
  from: string | null;
  to: string | null;
  /** Show rows older than this id (next page). */
  beforeId: number | null;
}

export interface AuditRow {
  id: number;
  at: string;
  actor: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  before: string | null;
  after: string | null;
}

/** Start of a Shanghai calendar day as an ISO instant (the week helper knows the zone). */
function dayStartIso(dateKey: string): string {
  // Midnight Shanghai = 16:00 UTC the day before; Shanghai has no DST.
  return new Date(`${dateKey}T00:00:00+08:00`).toISOString();
}

export async function listAuditLog(db: AppDatabase, query: AuditQuery): Promise<{ rows: AuditRow[]; nextBeforeId: number | null }> {
  let select = db
    .selectFrom("audit_log")
    .leftJoin("users", "users.id", "audit_log.actor_id")
    .select([
      "audit_log.id",
      "audit_log.created_at as at",
      "users.display_name as actor",
      "audit_log.action",
      "audit_log.entity",
      "audit_log.entity_id as entityId",
      "audit_log.before_json as before",
      "audit_log.after_json as after",
    ]);
  if (query.entity) select = select.where("audit_log.entity", "=", query.entity);
  if (query.actorId != null) select = select.where("audit_log.actor_id", "=", query.actorId);
  if (query.from) select = select.where("audit_log.created_at", ">=", dayStartIso(query.from));
  if (query.to) {
    const next = new Date(new Date(`${query.to}T00:00:00+08:00`).getTime() + 86_400_000).toISOString();
    select = select.where("audit_log.created_at", "<", next);
  }
  if (query.beforeId != null) select = select.where("audit_log.id", "<", query.beforeId);
  const text = query.q.trim();
  if (text) {
    const like = `%${text}%`;
    const contains = containsOperator(db);
    select = select.where((eb) =>
      eb.or([
        eb("audit_log.action", contains, like),
        eb("audit_log.entity_id", "=", text),
        eb("users.display_name", contains, like),
        eb("audit_log.before_json", contains, like),
        eb("audit_log.after_json", contains, like),
      ]),
    );
  }
  const rows = await select
    .orderBy("audit_log.id", "desc")
    .limit(AUDIT_PAGE_SIZE + 1)
    .execute();
  const page = rows.slice(0, AUDIT_PAGE_SIZE);
  return { rows: page, nextBeforeId: rows.length > AUDIT_PAGE_SIZE ? page[page.length - 1].id : null };
}

export async function listAuditActors(db: AppDatabase): Promise<{ id: number; name: string }[]> {
  return db.selectFrom("users").select(["id", "display_name as name"]).orderBy("display_name").execute();
}
