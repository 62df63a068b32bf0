// A Kysely dialect over the `sqlite3` package (Kysely ships one only for better-sqlite3).
// Two connections per process on a WAL file: one for transactions and every statement that may
// write, one for plain reads (":memory:" has only the one). A mutex per connection serialises
// the queries and transactions on it, so concurrent requests never interleave inside each
// other's transactions, and reads never wait behind a transaction's steps.
import sqlite3 from "sqlite3";
import {
  CompiledQuery,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  SelectQueryNode,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
} from "kysely";
import { isDeferredWrite } from "./deferred-write";
import { inlineSqliteParameters } from "./sql-literals";

export interface Sqlite3DialectConfig {
  /** Path of the database file, or ":memory:". */
  filename: string;
  /** Milliseconds SQLite waits for another process's lock before SQLITE_BUSY. */
  busyTimeoutMs?: number;
  /**
   * How long, in all, a statement that got SQLITE_BUSY anyway is tried again before the error
   * is let through (default 30 s). Several server processes share one file: SQLite's own wait
   * (busy_timeout) is not a queue, so under a write storm one writer can lose every turn.
   */
  busyRetryMs?: number;
  /**
   * Waits for this process's turn among several processes writing to the file, and returns
   * the function that gives the turn back (see app/server/write-turns.ts). Without it, writers
   * of different processes meet only in SQLite's busy handler.
   */
  writeTurn?: WriteTurn;
}

/** Waits for this process's turn to write; `owner` is the driver that asks (see TurnRelease). */
export type WriteTurn = (owner: unknown) => Promise<TurnRelease>;

/**
 * Gives a write turn back. `staysWith(owner)`, where present, says whether giving it back now
 * would lend it on to a waiting transaction of `owner` (the driver that asked for it): that
 * driver then begins the waiting transaction in the same trip as it commits (see commitTransaction).
 */
export interface TurnRelease {
  (): void;
  staysWith?: (owner: unknown) => boolean;
}

/** "cannot commit/rollback - no transaction is active": SQLite had already ended the transaction. */
const NO_TRANSACTION = /no transaction is active/i;

/** SQLITE_BUSY (another connection holds the lock); SQLITE_LOCKED is another matter. */
export function isBusyError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "SQLITE_BUSY" || (error instanceof Error && /SQLITE_BUSY/.test(error.message));
}

/**
 * Runs `attempt` again while it fails with SQLITE_BUSY, with a growing, jittered pause, for at
 * most `maxWaitMs` in all. Only for statements that did nothing when they failed busy: a BEGIN,
 * a COMMIT (the transaction stays open and may commit later) or a statement outside a
 * transaction (SQLite applies a statement whole or not at all).
 */
export async function retryWhileBusy<T>(attempt: () => Promise<T>, maxWaitMs: number): Promise<T> {
  const deadline = Date.now() + maxWaitMs;
  for (let round = 0; ; round++) {
    try {
      return await attempt();
    } catch (error) {
      if (!isBusyError(error) || Date.now() >= deadline) throw error;
      const pause = Math.min(200, 5 * 2 ** Math.min(round, 6)) * (0.5 + Math.random());
      await new Promise((resolve) => setTimeout(resolve, Math.min(pause, Math.max(1, deadline - Date.now()))));
    }
  }
}

export class Sqlite3Dialect implements Dialect {
  /** Statements this process has run that may have changed the database (see localWrites). */
  private readonly writes: WriteCounter = { count: 0 };

  constructor(private readonly config: Sqlite3DialectConfig) {}
  createAdapter(): DialectAdapter {
    return new SqliteAdapter();
  }
  createDriver(): Driver {
    return new Sqlite3Driver(this.config, this.writes);
  }
  /**
   * How many statements that may write (anything but a plain read, COMMIT included) this
   * process's connection has completed. SQLite's `pragma data_version` tells of other
   * connections' commits but not of our own; together they say whether the database may have
   * changed since a value was read from it.
   */
  localWrites(): number {
    return this.writes.count;
  }
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }
}

interface WriteCounter {
  count: number;
}

/**
 * FIFO lock: each waiter gets the connection in turn; a waiter that asks to go `first` (a
 * transaction that holds the cluster's write turn) goes before those already waiting.
 */
class Mutex {
  private locked = false;
  /** Unlocked for the next `first` waiter only: no other waiter may have it meanwhile. */
  private keptForFirst = false;
  private readonly waiting: { first: boolean; resolve: () => void }[] = [];

  lock({ first = false }: { first?: boolean } = {}): Promise<void> {
    if (!this.locked) {
      this.locked = true;
      return Promise.resolve();
    }
    if (first && this.keptForFirst) {
      this.keptForFirst = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => (first ? this.waiting.unshift({ first, resolve }) : this.waiting.push({ first, resolve })));
  }

  /** Passes the lock on; `forFirst`: only to a `first` waiter, waiting for one if none is there yet. */
  unlock({ forFirst = false }: { forFirst?: boolean } = {}): void {
    if (forFirst && !this.waiting[0]?.first) {
      this.keptForFirst = true;
      return;
    }
    const next = this.waiting.shift();
    if (next) next.resolve();
    else this.locked = false;
  }
}

function openDatabase(filename: string): Promise<sqlite3.Database> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(filename, (err) => (err ? reject(err) : resolve(db)));
  });
}

/** One handle on the file: its connection, and the mutex that gives it to one user at a time. */
interface Handle {
  db: sqlite3.Database;
  connection: Sqlite3Connection;
  mutex: Mutex;
}

/**
 * What Kysely holds between acquiring and releasing a connection. It starts on the reading
 * handle and moves to the writing one for a transaction or a statement that may write, so a
 * process's writes all go through one connection (and take turns there) while its reads go on
 * beside them instead of waiting behind each step of a write transaction.
 */
class ConnectionLease implements DatabaseConnection {
  constructor(
    public handle: Handle,
    private readonly writer: Handle,
  ) {}

  get connection(): Sqlite3Connection {
    return this.handle.connection;
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    if (this.handle !== this.writer && mayWrite(compiledQuery)) await this.moveTo(this.writer);
    return this.handle.connection.executeQuery<R>(compiledQuery);
  }

  /** Gives up the handle held now and waits for `handle` (nothing has begun on either). */
  async moveTo(handle: Handle): Promise<void> {
    this.handle.mutex.unlock();
    await handle.mutex.lock();
    this.handle = handle;
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error("Streaming is not supported by the sqlite3 dialect.");
  }
}

class Sqlite3Driver implements Driver {
  private writer: Handle | null = null;
  /** The handle for statements that only read: a second connection in WAL mode, else the writer. */
  private reader: Handle | null = null;
  private closing: Promise<void> | null = null;

  constructor(
    private readonly config: Sqlite3DialectConfig,
    private readonly writes: WriteCounter,
  ) {}

  async init(): Promise<void> {
    this.writer = await this.open();
    // Two connections see one database only in a file shared through WAL (not ":memory:").
    this.reader = this.writer.connection.walMode ? await this.open() : this.writer;
  }

  private async open(): Promise<Handle> {
    const db = await openDatabase(this.config.filename);
    const connection = new Sqlite3Connection(db, this.config.busyRetryMs ?? 30_000, this.writes);
    const pragmas = [
      `pragma busy_timeout = ${Math.max(0, Math.floor(this.config.busyTimeoutMs ?? 5000))}`,
      "pragma journal_mode = WAL",
      "pragma synchronous = NORMAL",
      "pragma foreign_keys = ON",
    ];
    for (const pragma of pragmas) {
      const { rows } = await connection.executeQuery<{ journal_mode?: string }>(CompiledQuery.raw(pragma));
      if (pragma.includes("journal_mode")) connection.walMode = rows[0]?.journal_mode === "wal";
    }
    return { db, connection, mutex: new Mutex() };
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const reader = this.reader!;
    await reader.mutex.lock();
    return new ConnectionLease(reader, this.writer!);
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = connection as ConnectionLease;
    const writer = this.writer!;
    const writeTurn = this.config.writeTurn;
    if (writeTurn) {
      // Wait for this process's turn without holding a connection, so that its reads go on
      // meanwhile; then take the writing connection (nothing has begun on it yet).
      lease.handle.mutex.unlock();
      let release: TurnRelease | null = null;
      try {
        release = await writeTurn(this);
      } finally {
        // The whole cluster waits while this process holds the turn: go before its queued writes.
        await writer.mutex.lock({ first: true });
        lease.handle = writer;
      }
      // Only now, holding the connection again: another transaction of this process may have
      // been running on it meanwhile, with its own turn.
      writer.connection.releaseTurn = release;
    } else if (lease.handle !== writer) {
      await lease.moveTo(writer);
    }
    const sqlite = writer.connection;
    // Begun already, with the COMMIT of the transaction that lent this one its turn.
    if (sqlite.begunForNext) {
      sqlite.begunForNext = false;
      sqlite.inTransaction = true;
      return;
    }
    // IMMEDIATE takes the write lock up front, so another process's writer makes us
    // wait (busy_timeout) at BEGIN instead of failing half-way through the transaction.
    // A BEGIN that still finds the lock taken after busy_timeout is tried again (it did nothing).
    try {
      await sqlite.retrying(CompiledQuery.raw("begin immediate"));
    } catch (error) {
      sqlite.giveTurnBack();
      throw error;
    }
    sqlite.inTransaction = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const sqlite = (connection as ConnectionLease).connection;
    // When the turn goes on to another transaction of this process, that one's BEGIN IMMEDIATE
    // is sent with this COMMIT: a write lock held across a stream of moves is held for one
    // trip to SQLite's thread less each (a trip costs far more than SQLite's work under load).
    // It then gets this connection before any other waiter (releaseConnection, Mutex).
    const beginNext = sqlite.walMode && sqlite.releaseTurn?.staysWith?.(this) === true;
    sqlite.begunForNext = await sqlite.commit(beginNext);
    sqlite.inTransaction = false;
    sqlite.giveTurnBack();
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const sqlite = (connection as ConnectionLease).connection;
    sqlite.inTransaction = false;
    sqlite.discardDeferredWrites();
    try {
      await sqlite.executeQuery(CompiledQuery.raw("rollback"));
    } catch (error) {
      // SQLite rolls back by itself on some errors (SQLITE_FULL, SQLITE_IOERR): let that error
      // be the one the caller sees, not this ROLLBACK's.
      if (!NO_TRANSACTION.test(String((error as Error).message))) throw error;
    } finally {
      sqlite.giveTurnBack();
    }
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const { handle } = connection as ConnectionLease;
    // A transaction begun for the one its turn was lent to goes to that one (a `first` waiter).
    handle.mutex.unlock({ forFirst: handle.connection.begunForNext });
  }

  /** Closes once: a second call waits for the first (it could never take the mutexes again). */
  destroy(): Promise<void> {
    this.closing ??= this.close();
    return this.closing;
  }

  private async close(): Promise<void> {
    // Reader first, then writer, as a lease moves: a statement that started on the reader and
    // waits for the writer still gets it before the close does. Only with both held (every
    // statement and transaction in progress done) is anything closed.
    const handles = [...new Set([this.reader, this.writer])].filter((handle): handle is Handle => handle !== null);
    for (const { mutex } of handles) await mutex.lock();
    for (const { db, connection } of handles) {
      await connection.statements.clear();
      await new Promise<void>((resolve, reject) => db.close((err) => (err ? reject(err) : resolve())));
    }
  }
}

// sqlite3 cannot tell us whether a statement returns rows, so decide from the query:
// selects, RETURNING clauses and row-producing raw statements go to `all`, the rest to `run`.
const ROW_PRODUCING_SQL = /^\s*(select|with|pragma|values|explain)\b|\breturning\b/i;
// Statements that only read (a pragma that sets something is not one of them).
const PLAIN_READ_SQL = /^\s*(select|with|values|explain|pragma\s+\w+\s*;?\s*$)/i;
// …unless it returns what it wrote, or is a WITH … INSERT/UPDATE/DELETE.
const WRITING_SQL = /\breturning\b|^\s*with\b[\s\S]*\b(insert|update|delete|replace)\s/i;

function returnsRows(compiledQuery: CompiledQuery): boolean {
  const node = compiledQuery.query as { kind?: string; returning?: unknown };
  if (SelectQueryNode.is(compiledQuery.query)) return true;
  if (node && "returning" in node && node.returning) return true;
  return ROW_PRODUCING_SQL.test(compiledQuery.sql);
}

/**
 * An EXPLAIN statement that has returned its last row is not finished until it is reset, and
 * while it is not, no read on its connection ends: each later read would see the database as it
 * was then. Such statements are not kept prepared.
 */
const EXPLAIN_SQL = /^\s*explain\b/i;
const VACUUM_INTO_SQL = /^\s*vacuum\s+(?:main\s+)?into\b/i;

/**
 * Whether a statement may change the database (anything but a plain read; a COMMIT too), and so
 * goes to the writing connection. State kept per connection does not follow: a read goes to the
 * reading connection even after a write, so never read last_insert_rowid() or changes() in a
 * separate statement (use RETURNING), set a pragma for later reads, or use TEMP tables or ATTACH
 * outside a transaction.
 */
function mayWrite(compiledQuery: CompiledQuery): boolean {
  // VACUUM INTO only reads this database (it writes another file): it need not hold up writes.
  if (VACUUM_INTO_SQL.test(compiledQuery.sql)) return false;
  if (!returnsRows(compiledQuery)) return true;
  const { sql } = compiledQuery;
  return !PLAIN_READ_SQL.test(sql) || WRITING_SQL.test(sql);
}

/** The values as sqlite3 binds them: it has no booleans. */
function boundValues(parameters: readonly unknown[]): unknown[] {
  return parameters.map((value) => (typeof value === "boolean" ? Number(value) : value));
}

/** Prepared statements kept per connection: the app runs a few hundred distinct statements. */
const STATEMENT_CACHE_SIZE = 300;

/**
 * The connection's prepared statements by SQL text, least recently used dropped first.
 * Preparing a statement costs about as much as running a small one; the same few hundred
 * statements (a session lookup, a move, a 填报) run again and again. Safe to reuse because the
 * connection runs one statement at a time (the driver's mutex), and sqlite3 resets a statement
 * before each run; a schema change makes SQLite prepare it again by itself.
 */
export class StatementCache {
  private readonly statements = new Map<string, sqlite3.Statement>();
  /** Statements being prepared: asked for again meanwhile, the same one is waited for. */
  private readonly preparing = new Map<string, Promise<sqlite3.Statement>>();

  constructor(
    private readonly db: sqlite3.Database,
    private readonly capacity: number,
  ) {}

  get size(): number {
    return this.statements.size;
  }

  /** The statement for `sql`, prepared once; a statement that does not compile is not kept. */
  get(sql: string): sqlite3.Statement | Promise<sqlite3.Statement> {
    const statement = this.statements.get(sql);
    if (statement) {
      // Map order is insertion order: move it to the end (most recently used).
      this.statements.delete(sql);
      this.statements.set(sql, statement);
      return statement;
    }
    const pending = this.preparing.get(sql);
    if (pending) return pending;
    // Prepared before its first run: sqlite3 drops calls queued on a statement whose prepare
    // failed without calling them back.
    const preparing = new Promise<sqlite3.Statement>((resolve, reject) => {
      const prepared = this.db.prepare(sql, (err) => {
        this.preparing.delete(sql);
        if (err) {
          // Even a statement that failed to compile must be finalized before the database closes.
          prepared.finalize();
          return reject(err);
        }
        if (this.statements.size >= this.capacity) {
          const [oldest, old] = this.statements.entries().next().value!;
          this.statements.delete(oldest);
          old.finalize();
        }
        this.statements.set(sql, prepared);
        resolve(prepared);
      });
    });
    this.preparing.set(sql, preparing);
    return preparing;
  }

  forget(sql: string): void {
    const statement = this.statements.get(sql);
    if (!statement) return;
    this.statements.delete(sql);
    statement.finalize();
  }

  /** Finalizes every statement (waiting for those being prepared); a database cannot close while any is open. */
  async clear(): Promise<void> {
    await Promise.allSettled([...this.preparing.values()]);
    const all = [...this.statements.values()];
    this.statements.clear();
    await Promise.all(all.map((statement) => new Promise<void>((resolve) => statement.finalize(() => resolve()))));
  }
}

/** One sqlite3 handle's statements; Kysely reaches it only through a ConnectionLease. */
class Sqlite3Connection {
  /** Inside BEGIN IMMEDIATE … COMMIT: this connection holds the write lock, nothing is retried. */
  inTransaction = false;
  /** Gives this process's write turn back (see Sqlite3DialectConfig.writeTurn), while it holds one. */
  releaseTurn: TurnRelease | null = null;
  /** A transaction begun with the last COMMIT for the next holder of the turn, not yet taken up. */
  begunForNext = false;

  readonly statements: StatementCache;
  /** Deferred writes of the open transaction (see db/deferred-write.ts), as SQL with their values written in. */
  private deferred: string[] = [];
  /** The error of a script of deferred writes that failed in the open transaction. */
  private failedScript: Error | null = null;
  /** Whether the database runs in WAL mode (set once opened; not for ":memory:"). */
  walMode = false;

  constructor(
    private readonly db: sqlite3.Database,
    private readonly busyRetryMs: number,
    private readonly writes: WriteCounter,
  ) {
    this.statements = new StatementCache(db, STATEMENT_CACHE_SIZE);
  }

  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    // Outside a transaction every statement stands alone and is safe to send again.
    if (!this.inTransaction) return this.retrying<R>(compiledQuery);
    if (isDeferredWrite(compiledQuery)) {
      const script = inlineSqliteParameters(compiledQuery.sql, compiledQuery.parameters);
      // A value without a safe literal: bound and run now, after the writes deferred before it.
      if (script !== null) {
        this.deferred.push(script);
        return Promise.resolve({ rows: [] });
      }
    }
    // Whatever comes next must see (and follow) the deferred writes.
    if (this.deferred.length > 0) return this.sendDeferred().then(() => this.executeOnce<R>(compiledQuery));
    return this.executeOnce<R>(compiledQuery);
  }

  /**
   * COMMIT, sent in one script with the writes still deferred. Inside BEGIN IMMEDIATE in WAL
   * mode no statement but COMMIT can meet SQLITE_BUSY (the write lock is already held), so after
   * a busy script the writes are in and the COMMIT alone is tried again, as a plain COMMIT is.
   * With `beginNext`, the next transaction's BEGIN IMMEDIATE goes in the same script; returns
   * whether it has begun.
   */
  async commit(beginNext = false): Promise<boolean> {
    // A script that failed part-way left some of its writes undone: this transaction must not
    // commit, even if the caller caught the error and went on.
    if (this.failedScript) throw this.failedScript;
    if (this.deferred.length > 0 || beginNext) {
      try {
        await this.sendDeferred(beginNext ? "commit;\nbegin immediate" : "commit");
        return beginNext;
      } catch (error) {
        // SQLITE_BUSY came from the COMMIT (the transaction is still open) or from the next
        // transaction's BEGIN. Any other error came from a write or the COMMIT, and SQLite may
        // have rolled the whole transaction back by itself (a full disk, an I/O error): it failed.
        if (!(this.walMode && isBusyError(error))) throw error;
        this.failedScript = null;
      }
    }
    try {
      await this.retrying(CompiledQuery.raw("commit"));
    } catch (error) {
      // Only the next transaction's BEGIN met another process's lock: this one had committed.
      if (!(beginNext && NO_TRANSACTION.test(String((error as Error).message)))) throw error;
    }
    return false;
  }

  discardDeferredWrites(): void {
    this.deferred = [];
    this.failedScript = null;
  }

  /** Runs the deferred writes (and `then`, e.g. COMMIT) as one script: one trip to SQLite's thread. */
  private sendDeferred(then?: string): Promise<void> {
    const script = [...this.deferred, ...(then ? [then] : [])].join(";\n");
    this.deferred = [];
    return new Promise((resolve, reject) => {
      this.db.exec(script, (err) => {
        this.writes.count++;
        if (err) {
          this.failedScript = err;
          reject(err);
        } else resolve();
      });
    });
  }

  giveTurnBack(): void {
    const release = this.releaseTurn;
    this.releaseTurn = null;
    release?.();
  }

  retrying<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    return retryWhileBusy(() => this.executeOnce<R>(compiledQuery), this.busyRetryMs);
  }

  private executeOnce<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    if (EXPLAIN_SQL.test(compiledQuery.sql)) return this.runUncached<R>(compiledQuery);
    const statement = this.statements.get(compiledQuery.sql);
    return statement instanceof Promise
      ? statement.then((prepared) => this.runStatement<R>(prepared, compiledQuery))
      : this.runStatement<R>(statement, compiledQuery);
  }

  /** Prepares, runs and finalizes the statement: nothing of it stays open on the connection. */
  private runUncached<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const params = boundValues(compiledQuery.parameters);
    return new Promise((resolve, reject) => {
      this.db.all(compiledQuery.sql, params, (err: Error | null, rows: unknown[]) => (err ? reject(err) : resolve({ rows: rows as R[] })));
    });
  }

  private runStatement<R>(statement: sqlite3.Statement, compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const { sql, parameters } = compiledQuery;
    const params = boundValues(parameters);
    const writes = this.writes;
    // A statement that failed may be left mid-step (holding a read snapshot): never reuse it.
    const forgetOnError = (err: Error | null) => {
      if (err) this.statements.forget(sql);
    };
    if (returnsRows(compiledQuery)) {
      // A RETURNING clause (or a raw statement that is not a plain read) may have written.
      const wrote = mayWrite(compiledQuery);
      return new Promise((resolve, reject) => {
        statement.all(params, (err: Error | null, rows: unknown[]) => {
          if (wrote) writes.count++;
          forgetOnError(err);
          if (err) reject(err);
          else resolve({ rows: rows as R[] });
        });
      });
    }
    return new Promise((resolve, reject) => {
      statement.run(params, function (this: sqlite3.RunResult, err: Error | null) {
        // Counted after the statement (and a COMMIT after the transaction) has finished, so a
        // value read before it is never taken as current after it.
        writes.count++;
        forgetOnError(err);
        if (err) return reject(err);
        resolve({
          numAffectedRows: BigInt(this.changes ?? 0),
          insertId: this.lastID != null ? BigInt(this.lastID) : undefined,
          rows: [],
        });
      });
    });
  }
}
