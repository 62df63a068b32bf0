// Every write leaves a row here, written in the same transaction as the write itself. Nothing
// reads the row back in that transaction, so it goes to the database with the transaction's
// next statement or its COMMIT (see db/deferred-write.ts).
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../../db/schema";
import { deferWrite } from "../../db/deferred-write";
import { preparedQuery } from "../../db/prepared-query";

export interface AuditEntry {
  actorId: number | null;
  action: string;
  entity: string;
  entityId: number | string | null;
  before?: unknown;
  after?: unknown;
}

export async function recordAudit(trx: Transaction<Database> | Kysely<Database>, entry: AuditEntry, now: Date = new Date()): Promise<void> {
  await recordAudits(trx, [entry], now);
}

/** Audit inserts of up to this many rows are built once per row count (a 填报 writes one per value). */
const PREPARED_AUDIT_ROWS = 32;

/** The INSERT of `count` audit rows, with placeholders named by column and row number. */
function auditInsert(count: number) {
  return preparedQuery((db, v: Record<string, unknown>) =>
    db.insertInto("audit_log").values(
      Array.from({ length: count }, (_, i) => ({
        actor_id: v[`actor_id${i}`] as number | null,
        action: v[`action${i}`] as string,
        entity: v[`entity${i}`] as string,
        entity_id: v[`entity_id${i}`] as string | null,
        before_json: v[`before_json${i}`] as string | null,
        after_json: v[`after_json${i}`] as string | null,
        created_at: v.created_at as string,
      })),
    ),
  );
}
const auditInserts = new Map<number, ReturnType<typeof auditInsert>>();

/** Several audit rows in one INSERT (e.g. a 填报's metric values). */
export async function recordAudits(
  trx: Transaction<Database> | Kysely<Database>,
  entries: readonly AuditEntry[],
  now: Date = new Date(),
): Promise<void> {
  if (entries.length === 0) return;
  const values: Record<string, unknown> = { created_at: now.toISOString() };
  entries.forEach((entry, i) => {
    values[`actor_id${i}`] = entry.actorId;
    values[`action${i}`] = entry.action;
    values[`entity${i}`] = entry.entity;
    values[`entity_id${i}`] = entry.entityId == null ? null : String(entry.entityId);
    values[`before_json${i}`] = entry.before === undefined ? null : JSON.stringify(entry.before);
    values[`after_json${i}`] = entry.after === undefined ? null : JSON.stringify(entry.after);
  });
  let insert = auditInserts.get(entries.length);
  if (!insert) {
    insert = auditInsert(entries.length);
    if (entries.length <= PREPARED_AUDIT_ROWS) auditInserts.set(entries.length, insert);
  }
  await deferWrite(trx, insert.with(trx as Kysely<Database>, values));
}
