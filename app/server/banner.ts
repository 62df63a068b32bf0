import type { BootstrapResult } from "~/models/bootstrap.server";
import { lanUrls } from "~/utils/lan-address.server";
import { ROLE_LABELS } from "~/utils/permissions";

export function printStartBanner({
  port,
  host,
  bootstrap,
  workers,
}: {
  port: number;
  host: string;
  bootstrap: BootstrapResult;
  workers: number;
}) {
  const url = `http://localhost:${port}`;
  const lines = ["", `年度重点工作看板已启动：${url}${workers > 1 ? `（${workers} 个工作进程）` : ""}`];
  const lan = host === "0.0.0.0" ? lanUrls(port) : [];
  if (lan.length > 0) lines.push(`局域网内其他电脑访问：${lan.join("  ")}`);
  if (bootstrap.created && bootstrap.production) {
    const admin = bootstrap.accounts[0];
    lines.push(
      "首次启动（正式安装，DEMO=0）：已创建管理员账号，未导入演示数据。",
      `  用户名 ${admin.username}  一次性密码 ${admin.password}`,
      "  首次登录后必须修改密码。此密码只显示这一次。",
    );
  } else if (bootstrap.created) {
    lines.push("首次启动：已导入演示数据并创建演示账号（每个角色一个）。正式使用请删除数据库文件后以 DEMO=0 启动：");
    const [roleAccounts, unitAccounts] = [bootstrap.accounts.slice(0, 4), bootstrap.accounts.slice(4)];
    for (const account of roleAccounts) {
      const unit = account.unitName ? `（${account.unitName}）` : "";
      lines.push(`  ${account.username.padEnd(10)} 密码 ${account.password}   ${ROLE_LABELS[account.role]}${unit}`);
    }
    if (unitAccounts.length) lines.push(`  其他单位的填报账号（密码同 secretary）：${unitAccounts.map((a) => a.username).join(" · ")}`);
    if (!process.env.DEMO_PASSWORD) lines.push("  密码为随机生成，只显示这一次；设置 DEMO_PASSWORD 可指定演示密码。");
  } else {
    lines.push("演示账号：admin · leader · secretary（东晟社区）· viewer；各单位填报账号见 README");
    lines.push(
      process.env.DEMO_PASSWORD
        ? "  密码为首次启动时的 DEMO_PASSWORD。"
        : "  密码在首次启动时打印；忘记时可删除数据库文件后重新启动，或由管理员重置。",
    );
  }
  const databaseUrl = process.env.DATABASE_URL?.trim();
  if (databaseUrl) {
    let where = "PostgreSQL";
    try {
      const url = new URL(databaseUrl);
      where = `PostgreSQL ${url.hostname}${url.port ? `:${url.port}` : ""}${url.pathname}`;
    } catch {
      // shown without details
    }
    lines.push(`数据库：${where}`);
    if (!process.env.ATTACHMENTS_DIR) {
      lines.push("  未设置 ATTACHMENTS_DIR：佐证材料存在本机。多台应用服务器时请设为共享目录。");
    }
  }
  lines.push("");
  process.stdout.write(`${lines.join("\n")}\n`);
}
