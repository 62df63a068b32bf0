// PostgreSQL through Kysely's own PostgresDialect and the `pg` pool, chosen by DATABASE_URL.
// Two things differ from the stock dialect, both here:
// - Types: COUNT/SUM of integers are bigint and AVG is numeric, which `pg` returns as strings;
//   this pool parses them to numbers, so query functions see the same JS types as on SQLite.
// - Transactions: on SQLite every transaction is BEGIN IMMEDIATE (one writer at a time, across
//   processes). Here every transaction takes one transaction-scoped advisory lock first, so
//   read-modify-write transactions from any number of app servers run one after another as they
//   do on SQLite; plain reads and single statements outside transactions run in parallel.
// `pg` is loaded when the first PostgreSQL pool is opened: a SQLite installation never pays for it.
import { createRequire } from "node:module";
import type pg from "pg";
import {
  CompiledQuery,
  Kysely,
  PostgresDialect,
  PostgresDriver,
  type DatabaseConnection,
  type Driver,
  type TransactionSettings,
} from "kysely";
import type { Database } from "./schema";

// Loaded with require on first use, not with import(): tsx (which runs the server) rewrites
// every file holding an import() expression and keeps a source map of it, and the server
// build is one large file (about +50 MB RSS).
const loadPackage = createRequire(import.meta.url);

/** Key of the advisory lock every write transaction holds (any constant; "kanban" in ASCII). */
export const WRITE_LOCK_KEY = 0x6b616e62616e;

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** Parses bigint and numeric results to JS numbers; every other type as `pg` does. */
function typesOf(pgModule: typeof pg): pg.CustomTypesConfig {
  return {
    getTypeParser(oid: number, format?: "text" | "binary") {
      if (oid === INT8_OID || oid === NUMERIC_OID) {
        return (value: string) => (value === null ? null : Number(value));
      }
      return pgModule.types.getTypeParser(oid, format as "text");
    },
  } as pg.CustomTypesConfig;
}

export function isPostgresUrl(url: string | undefined | null): boolean {
  return !!url && /^postgres(ql)?:\/\//i.test(url.trim());
}

class SerialWritePostgresDriver extends PostgresDriver {
  override async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    await super.beginTransaction(connection, settings);
    await connection.executeQuery(CompiledQuery.raw(`select pg_advisory_xact_lock(${WRITE_LOCK_KEY})`));
  }
}

class AppPostgresDialect extends PostgresDialect {
  constructor(private readonly pool: () => Promise<pg.Pool>) {
    super({ pool });
  }
  override createDriver(): Driver {
    return new SerialWritePostgresDriver({ pool: this.pool });
  }
}

export interface PostgresOptions {
  /** Connections per app server (DATABASE_POOL_SIZE, default 10). */
  poolSize?: number;
}

export function openPostgres(url: string, options: PostgresOptions = {}): Kysely<Database> {
  // Kysely's driver calls this once, on the first query.
  const openPool = async () => {
    const pgModule = loadPackage("pg") as typeof pg;
    const pool = new pgModule.Pool({
      connectionString: url.trim(),
      max: options.poolSize ?? 10,
      types: typesOf(pgModule),
      application_name: "kanban",
    });
    // An idle client losing its server (restart, network) must not crash the process;
    // the pool drops it and the next query opens a new connection.
    pool.on("error", (error) => console.error("数据库连接中断：", error.message));
    return pool;
  };
  return new Kysely<Database>({ dialect: new AppPostgresDialect(openPool) });
}
