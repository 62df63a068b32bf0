// Values read from the database, reused while the database has not changed since they were read
// (db/index.ts dataGeneration: SQLite's data_version and this process's own writes). Every page
// asks who is signed in and how long their 我的待办 is; with the answer reused, a page that
// changes nothing costs one tiny query for them instead of several. Each worker of the cluster
// keeps its own values; another worker's write changes the generation all of them see.
import { dataGeneration, type AppDatabase } from "../../db/index";

interface Generation {
  token: string;
  values: Map<string, Promise<unknown>>;
}

// Enough for every signed-in user of a district several times over; past it, start afresh.
const MAX_VALUES = 5000;
const generations = new WeakMap<AppDatabase, Generation>();
const tokensByScope = new WeakMap<object, Promise<string | null>>();

/**
 * The generation token, probed once per scope (one GET request: what it reads after the probe
 * is at least as new as the probe). A request that writes must not pass a scope: its later
 * reads must not be matched against a token taken before its own write.
 */
export function generationToken(db: AppDatabase, scope: object | undefined): Promise<string | null> {
  if (!scope) return dataGeneration(db) ?? Promise.resolve(null);
  let token = tokensByScope.get(scope);
  if (!token) {
    token = dataGeneration(db) ?? Promise.resolve(null);
    tokensByScope.set(scope, token);
  }
  return token;
}

/**
 * `compute()`'s value, or the value it gave under the same `key` since the database last
 * changed. `key` must name everything else the value depends on (user, role, date…). On
 * PostgreSQL, which has no generation counter, this always computes.
 */
export async function whileUnchanged<T>(db: AppDatabase, key: string, compute: () => Promise<T>, scope?: object): Promise<T> {
  const token = await generationToken(db, scope);
  if (token === null) return compute();
  let generation = generations.get(db);
  if (!generation || generation.token !== token) {
    generation = { token, values: new Map() };
    generations.set(db, generation);
  }
  const values = generation.values;
  let value = values.get(key) as Promise<T> | undefined;
  if (!value) {
    if (values.size >= MAX_VALUES) values.clear();
    const computed = compute();
    values.set(key, computed);
    // A failure is not kept: the next request tries again.
    computed.catch(() => {
      if (values.get(key) === computed) values.delete(key);
    });
    value = computed;
  }
  return value;
}

/** GET and HEAD: requests that only read, whose reads may share one generation token. */
export function isReadOnlyRequest(request: { method: string }): boolean {
  return request.method === "GET" || request.method === "HEAD";
}

/** The scope for one request's reads: GET and HEAD only (see generationToken). */
export function readOnlyScope(request: { method: string }, scope: object | undefined): object | undefined {
  return isReadOnlyRequest(request) ? scope : undefined;
}
