// The integration suite on PostgreSQL: set TEST_DATABASE_URL to a server where the user may
// CREATE DATABASE (e.g. postgres://postgres@127.0.0.1:5433/postgres). Global setup builds a
// migrated, bootstrapped template database; each test file gets its own database created
// from it (CREATE DATABASE … TEMPLATE …), the PostgreSQL twin of copying the SQLite file.
import pg from "pg";

export function testDatabaseUrl(): string | null {
  return process.env.TEST_DATABASE_URL?.trim() || null;
}

/** The same server and credentials, another database. */
export function urlForDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function withAdmin<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

export function uniqueDatabaseName(prefix: string): string {
  return `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
}

/** Creates an empty database (or a copy of `template`) and returns its URL. */
export async function createDatabase(adminUrl: string, name: string, template?: string): Promise<string> {
  await withAdmin(adminUrl, async (client) => {
    const sql = `create database ${quote(name)}${template ? ` template ${quote(template)}` : ""}`;
    // Creating from a template fails while another session is still connected to it (e.g. a
    // neighbouring worker creating its copy at the same moment): try again shortly.
    for (let attempt = 0; ; attempt++) {
      try {
        await client.query(sql);
        return;
      } catch (error) {
        if (attempt >= 20 || !/being accessed by other users/.test(String(error))) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 + attempt * 50));
      }
    }
  });
  return urlForDatabase(adminUrl, name);
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withAdmin(adminUrl, (client) => client.query(`drop database if exists ${quote(name)} with (force)`));
}
