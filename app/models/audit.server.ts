// Every write leaves a row here, written in the same transaction as the write itself. Nothing
// reads the row back in that transaction, so it goes to the database with the transaction's
// next statement or its COMMIT (see db/deferred-write.ts).
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../../db/schema";
import { deferWrite } from "../../db/deferred-write";

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

/** Several audit rows in one INSERT (e.g. a 填报's metric values). */
export async function recordAudits(
  trx: Transaction<Database> | Kysely<Database>,
  entries: readonly AuditEntry[],
  now: Date = new Date(),
): Promise<void> {
  if (entries.length === 0) return;
  await deferWrite(
    trx,
    trx.insertInto("audit_log").values(
      entries.map((entry) => ({
        actor_id: entry.actorId,
        action: entry.action,
        entity: entry.entity,
        entity_id: entry.entityId == null ? null : String(entry.entityId),
        before_json: entry.before === undefined ? null : JSON.stringify(entry.before),
        after_json: entry.after === undefined ? null : JSON.stringify(entry.after),
        created_at: now.toISOString(),
      })),
    ),
  );
}
