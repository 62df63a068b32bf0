// A Kysely dialect over the `sqlite3` package (Kysely ships one only for better-sqlite3).
// One connection per process; a mutex serialises every query and every transaction on it,
// so concurrent requests never interleave inside each other's transactions.
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

export interface Sqlite3DialectConfig {
  /** Path of the database file, or ":memory:". */
  filename: string;
  /** Milliseconds SQLite waits for another process's lock before SQLITE_BUSY. */
  busyTimeoutMs?: number;
}

export class Sqlite3Dialect implements Dialect {
  constructor(private readonly config: Sqlite3DialectConfig) {}
  createAdapter(): DialectAdapter {
    return new SqliteAdapter();
  }
  createDriver(): Driver {
    return new Sqlite3Driver(this.config);
  }
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }
}

/** FIFO lock: each waiter gets the connection in turn. */
class Mutex {
  private tail: Promise<void> = Promise.resolve();
  private releaseCurrent: (() => void) | null = null;

  async lock(): Promise<void> {
    let release!: () => void;
    const next = new Promise<void>((resolve) => (release = resolve));
    const previous = this.tail;
    this.tail = previous.then(() => next);
    await previous;
    this.releaseCurrent = release;
  }

  unlock(): void {
    const release = this.releaseCurrent;
    this.releaseCurrent = null;
    release?.();
  }
}

function openDatabase(filename: string): Promise<sqlite3.Database> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(filename, (err) => (err ? reject(err) : resolve(db)));
  });
}

class Sqlite3Driver implements Driver {
  private readonly mutex = new Mutex();
  private db: sqlite3.Database | null = null;
  private connection: Sqlite3Connection | null = null;

  constructor(private readonly config: Sqlite3DialectConfig) {}

  async init(): Promise<void> {
    this.db = await openDatabase(this.config.filename);
    this.connection = new Sqlite3Connection(this.db);
    const pragmas = [
      `pragma busy_timeout = ${Math.max(0, Math.floor(this.config.busyTimeoutMs ?? 5000))}`,
      "pragma journal_mode = WAL",
      "pragma synchronous = NORMAL",
      "pragma foreign_keys = ON",
    ];
    for (const pragma of pragmas) {
      await this.connection.executeQuery(CompiledQuery.raw(pragma));
    }
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.mutex.lock();
    return this.connection!;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    // IMMEDIATE takes the write lock up front, so another process's writer makes us
    // wait (busy_timeout) at BEGIN instead of failing half-way through the transaction.
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("commit"));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("rollback"));
  }

  async releaseConnection(): Promise<void> {
    this.mutex.unlock();
  }

  async destroy(): Promise<void> {
    const db = this.db;
    this.db = null;
    if (!db) return;
    await new Promise<void>((resolve, reject) => db.close((err) => (err ? reject(err) : resolve())));
  }
}

// sqlite3 cannot tell us whether a statement returns rows, so decide from the query:
// selects, RETURNING clauses and row-producing raw statements go to `all`, the rest to `run`.
const ROW_PRODUCING_SQL = /^\s*(select|with|pragma|values|explain)\b|\breturning\b/i;

function returnsRows(compiledQuery: CompiledQuery): boolean {
  const node = compiledQuery.query as { kind?: string; returning?: unknown };
  if (SelectQueryNode.is(compiledQuery.query)) return true;
  if (node && "returning" in node && node.returning) return true;
  return ROW_PRODUCING_SQL.test(compiledQuery.sql);
}

class Sqlite3Connection implements DatabaseConnection {
  constructor(private readonly db: sqlite3.Database) {}

  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const { sql, parameters } = compiledQuery;
    const params = parameters.map((value) => (typeof value === "boolean" ? Number(value) : value));
    if (returnsRows(compiledQuery)) {
      return new Promise((resolve, reject) => {
        this.db.all(sql, params, (err, rows) => (err ? reject(err) : resolve({ rows: rows as R[] })));
      });
    }
    return new Promise((resolve, reject) => {
      this.db.run(sql, params, function (this: sqlite3.RunResult, err: Error | null) {
        if (err) return reject(err);
        resolve({
          numAffectedRows: BigInt(this.changes ?? 0),
          insertId: this.lastID != null ? BigInt(this.lastID) : undefined,
          rows: [],
        });
      });
    });
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error("Streaming is not supported by the sqlite3 dialect.");
  }
}
