// Writes whose result nobody reads (an audit row, a change counter, the row a move rewrites).
//
// Every statement is a trip from the event loop to SQLite's thread and back, and between two
// trips the event loop serves other requests, all while the transaction holds the database's
// only write lock. A move of 7 statements held it for 7 such trips. On SQLite a deferred write
// is kept by the connection and sent, as one script, with the next statement or with COMMIT;
// everywhere else (PostgreSQL, outside a transaction) it runs at once like any statement.
import { SelectQueryNode, type Compilable, type CompiledQuery, type Kysely } from "kysely";

// From the global registry: the server and the Remix build are bundled apart, each with its own
// copy of this module, and the connection must recognise a mark made by either.
const DEFERRED = Symbol.for("kanban.deferred-write");

type DeferredQuery = CompiledQuery & { readonly [DEFERRED]: true };

export function isDeferredWrite(query: CompiledQuery): boolean {
  return (query as Partial<DeferredQuery>)[DEFERRED] === true;
}

/**
 * Runs `query` — an INSERT, UPDATE or DELETE without RETURNING whose affected-row count is not
 * needed — no later than the next statement of the transaction or its COMMIT. A failure then
 * fails that statement or the COMMIT, and the transaction rolls back as a whole, as it would
 * have at once. Later reads in the transaction see the write.
 */
export async function deferWrite(db: Kysely<any>, query: Compilable | CompiledQuery): Promise<void> {
  const compiled = "compile" in query ? query.compile() : query;
  const node = compiled.query as { returning?: unknown };
  if (SelectQueryNode.is(compiled.query) || node.returning) throw new Error("deferWrite: a statement whose rows are read cannot wait");
  const deferred: DeferredQuery = { ...compiled, [DEFERRED]: true };
  await db.executeQuery(deferred);
}
