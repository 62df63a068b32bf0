// Moving an installation from SQLite to PostgreSQL (`npm run db:copy`): the target is migrated,
// then every table is copied in foreign-key order in ONE transaction, the id sequences are set
// past the copied ids, and the row counts are compared table by table before the commit.
// A target that already holds data is refused, so nothing is ever merged or overwritten.
import { existsSync } from "node:fs";
import { sql, type Kysely } from "kysely";
import { migrateToLatest, openDatabase } from "./index";
import { migrations } from "./migrations/index";
import { openPostgres } from "./postgres";

export interface TableCopy {
  table: string;
  rows: number;
}

export interface CopyResult {
  tables: TableCopy[];
  totalRows: number;
}

export class CopyRefused extends Error {}

const MIGRATION_TABLES = new Set(["kysely_migration", "kysely_migration_lock"]);
/** PostgreSQL allows 65,535 parameters per statement; stay well below. */
const MAX_PARAMETERS = 30_000;

/** The app's tables, parents before children (tables referencing themselves count once). */
export async function tablesInForeignKeyOrder(source: Kysely<any>): Promise<string[]> {
  const names = (
    await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`.execute(
      source,
    )
  ).rows
    .map((r) => r.name)
    .filter((name) => !MIGRATION_TABLES.has(name));
  const parents = new Map<string, Set<string>>();
  for (const name of names) {
    const refs = await sql<{ table: string }>`select "table" from pragma_foreign_key_list(${name})`.execute(source);
    parents.set(name, new Set(refs.rows.map((r) => r.table).filter((t) => t !== name)));
  }
  const ordered: string[] = [];
  const placed = new Set<string>();
  while (ordered.length < names.length) {
    const next = names.find((n) => !placed.has(n) && [...parents.get(n)!].every((p) => placed.has(p) || !parents.has(p)));
    if (!next) throw new Error(`外键关系成环，无法确定复制顺序：${names.filter((n) => !placed.has(n)).join("、")}`);
    ordered.push(next);
    placed.add(next);
  }
  return ordered;
}

/** The table's columns and the order to read its rows in (primary key, or every column). */
async function describeTable(source: Kysely<any>, table: string): Promise<{ columns: string[]; order: string[] }> {
  const columns = (await sql<{ name: string; pk: number }>`select name, pk from pragma_table_info(${table})`.execute(source)).rows;
  const keys = columns
    .filter((c) => c.pk > 0)
    .sort((a, b) => a.pk - b.pk)
    .map((c) => c.name);
  return { columns: columns.map((c) => c.name), order: keys.length ? keys : columns.map((c) => c.name) };
}

async function countRows(db: Kysely<any>, table: string): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface CopyOptions {
  log?: (line: string) => void;
}

/** Copies the SQLite database at `from` into the (empty) PostgreSQL database at `to`. */
export async function copySqliteToPostgres(from: string, to: string, options: CopyOptions = {}): Promise<CopyResult> {
  const log = options.log ?? (() => {});
  if (!existsSync(from)) throw new CopyRefused(`找不到源数据库文件：${from}`);
  const source: Kysely<any> = openDatabase(from);
  const target: Kysely<any> = openPostgres(to, { poolSize: 2 });
  try {
    const applied = new Set(
      (
        await sql<{ name: string }>`select name from kysely_migration`.execute(source).catch(() => ({ rows: [] as { name: string }[] }))
      ).rows.map((r) => r.name),
    );
    const missing = Object.keys(migrations).filter((name) => !applied.has(name));
    if (missing.length) {
      throw new CopyRefused(
        `源数据库尚未升级到当前版本（缺少迁移 ${missing.join("、")}）。请先运行：DATABASE_PATH=${from} npm run migrate`,
      );
    }

    await migrateToLatest(target);
    const tables = await tablesInForeignKeyOrder(source);
    const targetTables = new Set((await target.introspection.getTables()).map((t) => t.name));
    const unknown = tables.filter((t) => !targetTables.has(t));
    if (unknown.length) throw new CopyRefused(`目标数据库没有这些表：${unknown.join("、")}，请确认两边是同一版本的程序。`);
    for (const table of tables) {
      if ((await countRows(target, table)) > 0) {
        throw new CopyRefused(`目标数据库不是空的（表 ${table} 已有数据）。为避免覆盖或混合数据，请换一个新建的空数据库。`);
      }
    }

    const copied: TableCopy[] = [];
    await target.transaction().execute(async (trx) => {
      for (const table of tables) {
        const { columns, order } = await describeTable(source, table);
        let query = source.selectFrom(table).selectAll();
        for (const column of order) query = query.orderBy(column);
        const rows = await query.execute();
        if (rows.length) {
          const width = Object.keys(rows[0]).length;
          const chunk = Math.max(1, Math.floor(MAX_PARAMETERS / width));
          for (let i = 0; i < rows.length; i += chunk) {
            await trx
              .insertInto(table)
              .values(rows.slice(i, i + chunk))
              .execute();
          }
        }
        // Serial ids: the next id the application inserts must come after the copied ones.
        const sequence = columns.includes("id")
          ? ((await sql<{ seq: string | null }>`select pg_get_serial_sequence(${table}, 'id') as seq`.execute(trx)).rows[0]?.seq ?? null)
          : null;
        if (sequence) {
          await sql`select setval(${sequence}, coalesce((select max(id) from ${sql.table(table)}), 0) + 1, false)`.execute(trx);
        }
        const written = await countRows(trx, table);
        if (written !== rows.length) throw new Error(`表 ${table} 行数不一致：源 ${rows.length} 行，目标 ${written} 行。已全部撤销。`);
        copied.push({ table, rows: rows.length });
      }
    });

    // After the commit: every table once more, on both sides.
    for (const { table, rows } of copied) {
      const [inSource, inTarget] = [await countRows(source, table), await countRows(target, table)];
      if (inSource !== rows || inTarget !== rows) {
        throw new Error(
          `复制后核对失败：表 ${table} 源 ${inSource} 行、目标 ${inTarget} 行（复制时 ${rows} 行）。复制期间源数据库是否仍在使用？`,
        );
      }
    }
    for (const { table, rows } of copied) log(`  ${table.padEnd(20)} ${String(rows).padStart(8)} 行`);
    return { tables: copied, totalRows: copied.reduce((sum, t) => sum + t.rows, 0) };
  } finally {
    await source.destroy();
    await target.destroy();
  }
}
