// What the e2e server's first start made (tests/e2e/start-server.ts): the demo story dated from
// today (Shanghai) — last year's plan lived through and 定稿, this year's started from it. Specs
// read years and cards from here or from the database, never a fixed year, so they mean the same
// next year.
import { fileURLToPath } from "node:url";
import { openDatabase } from "../../db/index";
import { toDateKey } from "../../app/lib/weeks";

/** The e2e server's database (see playwright.config.ts). */
export const E2E_DATABASE = fileURLToPath(new URL("../.tmp/e2e/app.sqlite", import.meta.url));

/** Today in Shanghai, as the server sees it. */
export function todayKey(): string {
  return toDateKey(new Date());
}

/** The demo's years, as bootstrap's demoYears gives them: this year is today's, last year the seed plan's. */
export function demoYears(): { last: number; current: number; next: number } {
  const current = Number(todayKey().slice(0, 4));
  return { last: current - 1, current, next: current + 1 };
}

export async function withDb<T>(work: (db: ReturnType<typeof openDatabase>) => Promise<T>): Promise<T> {
  const db = openDatabase(E2E_DATABASE);
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}

/** An open card of this year's demo plan with a 牵头单位 (推进中): it can be reported on. */
export async function reportableTask(): Promise<{ id: number; code: string }> {
  return withDb((db) =>
    db
      .selectFrom("tasks")
      .innerJoin("plans", "plans.id", "tasks.plan_id")
      .innerJoin("task_units", (join) => join.onRef("task_units.task_id", "=", "tasks.id").on("task_units.role", "=", "lead"))
      .select(["tasks.id", "tasks.code"])
      .where("plans.year", "=", demoYears().current)
      .where("tasks.status", "=", "in_progress")
      .orderBy("tasks.code")
      .executeTakeFirstOrThrow(),
  );
}
