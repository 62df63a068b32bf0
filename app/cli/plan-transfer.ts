/**
 * A whole plan as JSON, for moving it to another installation.
 *
 *   npm run plan:export -- --year 2025 --out plan-2025.json   (without --out: to stdout)
 *   npm run plan:import -- plan-2025.json
 *
 * Works on the database at DATABASE_PATH. Import brings the schema up to date first; on a
 * database with no accounts at all it first creates the lone admin (as a production first
 * start does, with a one-time password printed once), so the imported plan can be opened —
 * imported users are created 停用 (disabled) and must have their password reset by an admin.
 * Errors go to stderr in Chinese with a non-zero exit code; nothing is written on an error.
 */
import { readFile, writeFile } from "node:fs/promises";
import { databasePathFromEnv, migrateToLatest, openDatabase } from "../../db/index";
import { bootstrapIfEmpty } from "~/models/bootstrap.server";
import { exportPlan, importPlan } from "~/models/plan-transfer.server";
import { parsePlanDocument } from "~/models/plan-document.server";
import { isRefusal } from "~/lib/refusal";

const USAGE = "用法：plan-transfer export --year 2025 [--out 文件.json] | plan-transfer import 文件.json";

function option(argv: string[], name: string): string | undefined {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : undefined;
}

/** What a refusal says, for the terminal. */
function refusalMessage(thrown: unknown): string | null {
  return isRefusal(thrown) ? thrown.message : null;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== "export" && command !== "import") {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const path = databasePathFromEnv();
  const db = openDatabase(path);
  try {
    if (command === "export") {
      const year = Number(option(rest, "--year"));
      if (!Number.isInteger(year) || year < 2000 || year > 2100) {
        process.stderr.write(`请用 --year 指定年度，例如 --year 2025。\n${USAGE}\n`);
        return 2;
      }
      const text = JSON.stringify(await exportPlan(db, year), null, 1);
      const out = option(rest, "--out");
      if (out) {
        await writeFile(out, text);
        process.stderr.write(`已导出${year}年度计划到 ${out}（${Buffer.byteLength(text)} 字节）\n`);
      } else {
        process.stdout.write(`${text}\n`);
      }
      return 0;
    }
    const file = rest.find((a) => !a.startsWith("--"));
    if (!file) {
      process.stderr.write(`请指定要导入的文件。\n${USAGE}\n`);
      return 2;
    }
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch {
      process.stderr.write(`无法读取文件 ${file}，请检查路径。\n`);
      return 1;
    }
    const parsed = parsePlanDocument(text);
    if (!parsed.ok) {
      process.stderr.write(`${parsed.message}\n`);
      return 1;
    }
    await migrateToLatest(db);
    const bootstrap = await bootstrapIfEmpty(db, { production: true });
    for (const account of bootstrap.accounts) {
      process.stderr.write(`新实例：已创建管理员 ${account.username}，一次性密码 ${account.password}（首次登录须修改）\n`);
    }
    const result = await importPlan(db, null, parsed.document);
    process.stderr.write(
      `已导入${result.year}年度计划（${path}）：${result.tasks}项任务、${result.metrics}个指标、${result.updates}条填报` +
        (result.createdUnits.length ? `；新建单位：${result.createdUnits.join("、")}` : "") +
        (result.createdUsers.length ? `；新建用户（停用，须重置密码后启用）：${result.createdUsers.join("、")}` : "") +
        "\n",
    );
    return 0;
  } catch (error) {
    const message = refusalMessage(error);
    if (!message) throw error;
    process.stderr.write(`${message}\n`);
    return 1;
  } finally {
    await db.destroy();
  }
}

process.exitCode = await main(process.argv.slice(2));
