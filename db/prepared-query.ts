// Statements built once and run many times with new values.
//
// Building and compiling a Kysely query walks and freezes a tree of nodes; for a statement with
// joins and subqueries that costs 0.1–0.25 ms of the main thread, more than SQLite needs to run
// it. The hot statements of a card move and a 填报 always have the same shape, so they are built
// once per kind of database with placeholders where the values go, and each run only swaps the
// values in. (kysely-params does this for Kysely 0.24; it pins that version.)
import { createQueryId, type CompiledQuery, type Compilable, type Kysely } from "kysely";
import type { Database } from "./schema";

const NAME = Symbol("placeholder");
interface Placeholder {
  readonly [NAME]: string;
}

function isPlaceholder(value: unknown): value is Placeholder {
  return typeof value === "object" && value !== null && NAME in value;
}

type Values = Record<string, unknown>;

/**
 * A statement of fixed shape: `build` receives, instead of the values, placeholders with their
 * names, and may use them only where a plain value goes (a comparison, a column set, LIMIT…),
 * never to decide the shape (an `if`, an IN list). Runs in a transaction when given one.
 */
export function preparedQuery<V extends Values, Row>(build: (db: Kysely<Database>, values: V) => Compilable<Row>) {
  // One compilation per dialect: SQLite's and PostgreSQL's SQL differ.
  const compiled = new Map<unknown, CompiledQuery<Row>>();
  const placeholders = new Proxy({} as V, {
    get: (_, name) => (typeof name === "string" ? ({ [NAME]: name } satisfies Placeholder) : undefined),
  });
  const compile = (db: Kysely<Database>): CompiledQuery<Row> => {
    const kind = db.getExecutor().adapter.constructor;
    let query = compiled.get(kind);
    if (!query) {
      query = build(db, placeholders).compile();
      compiled.set(kind, query);
    }
    return query;
  };
  return {
    /** The statement with these values, ready for db.executeQuery. */
    with(db: Kysely<Database>, values: V): CompiledQuery<Row> {
      const query = compile(db);
      const parameters = query.parameters.map((parameter) => {
        if (!isPlaceholder(parameter)) return parameter;
        const name = parameter[NAME];
        if (!(name in values)) throw new Error(`preparedQuery: no value for "${name}"`);
        return values[name];
      });
      return { query: query.query, sql: query.sql, parameters, queryId: createQueryId() };
    },
    async execute(db: Kysely<Database>, values: V): Promise<Row[]> {
      return (await db.executeQuery(this.with(db, values))).rows;
    },
    async executeTakeFirst(db: Kysely<Database>, values: V): Promise<Row | undefined> {
      return (await this.execute(db, values))[0];
    },
  };
}
