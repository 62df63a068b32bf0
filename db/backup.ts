// Consistent copies of the live database with SQLite's VACUUM INTO: it reads one snapshot,
// so writes going on at the same time are either wholly in the copy or wholly not.
import { mkdirSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { sql, type Kysely } from "kysely";

export const BACKUP_NAME_PATTERN = /^backup-\d{8}-\d{6}(-\d+)?\.sqlite$/;

export function backupDirFor(databasePath: string): string {
  return join(dirname(databasePath), "backups");
}

function timestamp(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
}

/** Writes `backup-YYYYMMDD-HHMMSS.sqlite` into `dir` and returns its path. */
export async function backupDatabase(db: Kysely<any>, dir: string, now: Date = new Date()): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const base = `backup-${timestamp(now)}`;
  // Two backups in the same second (two admins, or a request racing the CLI) both find a name
  // free before either file exists: the loser's VACUUM INTO fails, so it takes the next name.
  for (let n = 1; ; n++) {
    const target = join(dir, n === 1 ? `${base}.sqlite` : `${base}-${n}.sqlite`);
    if (existsFile(target)) continue;
    try {
      await sql`vacuum into ${target}`.execute(db);
      return target;
    } catch (error) {
      if (n < 100 && existsFile(target)) continue;
      throw error;
    }
  }
}

function existsFile(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

export interface BackupFile {
  name: string;
  bytes: number;
  createdAt: string;
}

export function listBackups(dir: string): BackupFile[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => BACKUP_NAME_PATTERN.test(name))
    .map((name) => {
      const stat = statSync(join(dir, name));
      return { name, bytes: stat.size, createdAt: stat.mtime.toISOString() };
    })
    .sort((a, b) => b.name.localeCompare(a.name));
}
