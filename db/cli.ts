// `npm run migrate`: bring the database at DATABASE_PATH up to date.
import { databasePathFromEnv, migrateToLatest, openDatabase } from "./index";

const command = process.argv[2] ?? "migrate";
if (command !== "migrate") {
  console.error(`未知命令：${command}（可用：migrate）`);
  process.exit(2);
}
const path = databasePathFromEnv();
const db = openDatabase(path);
try {
  const applied = await migrateToLatest(db);
  console.log(applied.length ? `已应用迁移：${applied.join("、")}（${path}）` : `数据库已是最新（${path}）`);
} finally {
  await db.destroy();
}
