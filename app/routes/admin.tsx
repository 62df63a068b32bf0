import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { NavLink, Outlet } from "@remix-run/react";
import { requireUser } from "~/utils/auth.server";

export const meta: MetaFunction = () => [{ title: "管理 · 年度重点工作看板" }];

export async function loader(args: LoaderFunctionArgs) {
  await requireUser(args, "admin");
  return null;
}

export default function AdminLayout() {
  return (
    <section className="page">
      <h1>系统管理</h1>
      <nav className="tabs" aria-label="管理分类">
        <NavLink to="/admin/users">用户</NavLink>
        <NavLink to="/admin/units">单位</NavLink>
        <NavLink to="/admin/plans">年度计划</NavLink>
        <NavLink to="/admin/audit">操作日志</NavLink>
        <NavLink to="/admin/backups">备份</NavLink>
        <NavLink to="/admin/notify">消息推送</NavLink>
        <NavLink to="/admin/outbox">发送记录</NavLink>
      </nav>
      <Outlet />
    </section>
  );
}
