// `npm run db:copy -- --from data/app.sqlite --to postgres://user:pass@host:5432/kanban`
import { CopyRefused, copySqliteToPostgres } from "./copy";
import { isPostgresUrl } from "./postgres";

function option(name: string): string | undefined {
  const args = process.argv.slice(2);
  const index = args.indexOf(name);
  if (index >= 0) return args[index + 1];
  return args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
}

const from = option("--from");
const to = option("--to");
if (!from || !to || !isPostgresUrl(to)) {
  console.error("用法：npm run db:copy -- --from <SQLite 数据库文件> --to postgres://用户:密码@主机:端口/数据库");
  console.error("目标必须是一个空的 PostgreSQL 数据库；复制前请停止使用源数据库的应用服务。");
  process.exit(2);
}

const shown = to.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
console.log(`正在把 ${from} 复制到 ${shown}（一个事务，失败则全部撤销）…`);
try {
  const result = await copySqliteToPostgres(from, to, { log: (line) => console.log(line) });
  console.log(`复制完成：${result.tables.length} 张表，共 ${result.totalRows} 行，逐表核对行数一致。`);
  console.log("下一步：应用服务器设置 DATABASE_URL 后启动；佐证材料文件（SQLite 旁的 attachments 目录）请复制到 ATTACHMENTS_DIR。");
} catch (error) {
  console.error(
    error instanceof CopyRefused ? `未复制：${error.message}` : `复制失败，目标数据库未写入任何数据：${(error as Error).message}`,
  );
  process.exit(1);
}
