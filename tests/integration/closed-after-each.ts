// Databases a test file opens, destroyed after each test: an open connection keeps its file,
// its prepared statements and the test process alive.
import { afterEach } from "vitest";

/** Registers the afterEach hook; returns `keep`, which hands back each database it is given. */
export function closedAfterEach<Db extends { destroy(): Promise<void> }>(): (db: Db) => Db {
  const opened: Db[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((db) => db.destroy()));
  });
  return (db) => {
    opened.push(db);
    return db;
  };
}
