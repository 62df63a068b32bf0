// What the board says instead of (or besides) its columns in less common cases: no plan, an
// empty plan, filters that match nothing, cards left out of long columns, this year's 已结转 tasks. Loaded with the board's occasional
// parts (occasional-parts.tsx).
import { Link } from "@remix-run/react";
import { NoPlanPage } from "~/components/year-picker";
import { COLUMN_LIMIT } from "~/lib/board";
import type { CarriedCard } from "~/routes/board/cards.server";
import { NewYearBanner, type NewYearBannerData } from "~/routes/board/new-year-banner";

export interface NoBoardPlanProps {
  requestedYear: number | null;
  years: readonly { year: number }[];
  /** Today's year has no plan yet (leaders and admins): the ways to make one. */
  newYear: NewYearBannerData | null;
  /** May make a plan from last year's summary (导入). */
  canStartPlan: boolean;
}

export function NoBoardPlan({ requestedYear, years, newYear, canStartPlan }: NoBoardPlanProps) {
  return (
    <NoPlanPage
      title="看板"
      requestedYear={requestedYear}
      years={years}
      path="/board"
      emptyTitle={!requestedYear && years.length > 0 ? "今年还没有年度计划，已有的计划尚未开始" : undefined}
      banner={newYear ? <NewYearBanner banner={newYear} shownYear={null} /> : null}
    >
      {canStartPlan
        ? "请先在“导入”页上传上一年度工作总结生成计划，或由系统管理员在“管理 → 年度计划”中新建。"
        : "请联系街道领导或系统管理员建立年度计划。"}
    </NoPlanPage>
  );
}

export interface EmptyBoardProps {
  /** Tasks in the plan; with 0, the plan is empty, otherwise the filters match nothing. */
  total: number;
  canManage: boolean;
  year: number;
}

export function EmptyBoard({ total, canManage, year }: EmptyBoardProps) {
  return total === 0 ? (
    <div className="empty-state">
      <p className="empty-title">这个年度还没有重点工作</p>
      <p>
        {canManage
          ? "在下面“未启动”列顶部输入名称、按回车即可添加；也可以在“导入”页从上年工作总结批量生成。"
          : "街道领导添加或导入重点工作后，会显示在这里。"}
      </p>
    </div>
  ) : (
    <div className="empty-state">
      <p className="empty-title">没有符合筛选条件的重点工作</p>
      <p>
        <Link to={`/board?year=${year}`}>清除筛选</Link>，查看全部 {total} 项。
      </p>
    </div>
  );
}

export interface BoardLimitNoteProps {
  /** Cards left out of the columns. */
  hidden: number;
  /** The board with every card drawn. */
  allHref: string;
}

export function BoardLimitNote({ hidden, allHref }: BoardLimitNoteProps) {
  return (
    <p className="notice board-limit">
      为保持流畅，每列先显示前{COLUMN_LIMIT}项，另有{hidden}项未显示：在列底部点“显示更多”，或用上面的筛选缩小范围，或
      <Link to={allHref} preventScrollReset>
        显示全部
      </Link>
      （卡片很多时会慢一些）。
    </p>
  );
}

export function CarriedList({ carried }: { carried: CarriedCard[] }) {
  return (
    <section className="carried-list" aria-labelledby="carried-heading">
      <h2 id="carried-heading">
        <span className="carried-word">
          <span aria-hidden="true">↪</span> 已结转
        </span>{" "}
        {carried.length}项（继续在{carried[0].successor.year}年推进，不计入本年度督办灯和统计）
      </h2>
      <ul>
        {carried.map((c) => (
          <li key={c.id}>
            <Link to={`/board/${c.id}`}>
              <span className="muted small">{c.code}</span> {c.title}
            </Link>{" "}
            →{" "}
            <Link to={`/board/${c.successor.id}`}>
              {c.successor.year}年 {c.successor.code}
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
