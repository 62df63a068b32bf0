import { Form, Link, NavLink } from "@remix-run/react";
import { Fragment } from "react";
import type { Role } from "../../db/schema";
import { can, ROLE_LABELS, type Permission } from "~/utils/permissions";

interface ShellUser {
  id: number;
  displayName: string;
  username: string;
  role: Role;
  unitId: number | null;
  /** 我的待办 badge: open items for this user. */
  todoCount?: number;
}

const NAV: ReadonlyArray<{ to: string; label: string; needs: Permission }> = [
  { to: "/board", label: "看板", needs: "read" },
  { to: "/ledger", label: "计划台账", needs: "tasks.manage" },
  { to: "/todo", label: "我的待办", needs: "read" },
  { to: "/reports", label: "填报情况", needs: "urge" },
  { to: "/briefings", label: "督办通报", needs: "urge" },
  { to: "/kpi", label: "指标", needs: "read" },
  { to: "/summary", label: "总结", needs: "read" },
  { to: "/import", label: "导入", needs: "summary.manage" },
  { to: "/admin", label: "管理", needs: "admin" },
];

export function AppShell({ user, children }: { user: ShellUser | null; children: React.ReactNode }) {
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        跳到正文
      </a>
      <header className="topbar">
        <Link to="/" className="brand" aria-label="年度重点工作看板 首页">
          <span className="brand-mark" aria-hidden="true">
            ■
          </span>
          年度重点工作看板
        </Link>
        {user ? (
          <>
            <nav className="mainnav" aria-label="主导航">
              {NAV.filter((item) => can({ id: user.id, role: user.role, unitId: user.unitId }, item.needs)).map((item) => (
                <Fragment key={item.to}>
                  <NavLink to={item.to} prefetch="intent">
                    {item.label}
                  </NavLink>
                  {item.to === "/todo" && user.todoCount ? (
                    <span className="nav-badge">
                      <span aria-hidden="true">{user.todoCount > 99 ? "99+" : user.todoCount}</span>
                      <span className="visually-hidden">{user.todoCount}项待办</span>
                    </span>
                  ) : null}
                </Fragment>
              ))}
            </nav>
            <details className="usermenu">
              <summary>
                <span className="usermenu-name">{user.displayName}</span>
                <span className="usermenu-role">{ROLE_LABELS[user.role]}</span>
              </summary>
              <div className="usermenu-panel">
                <Link to="/settings/password">修改密码</Link>
                <Form method="post" action="/logout">
                  <button type="submit" className="linklike">
                    退出登录
                  </button>
                </Form>
              </div>
            </details>
          </>
        ) : null}
      </header>
      <main id="main" className="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
