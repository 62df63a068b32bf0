// 投屏 (meeting view): the board full screen on a projector — large type, swimlanes by 责任领导,
// refreshed automatically, nothing to edit or drag.
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useEffect, useState } from "react";
import { CardBody } from "~/routes/board/card-body";
import { LightSummary } from "~/routes/board/light-summary";
import { useLiveBoard } from "~/routes/board/use-live-board";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { COLUMN_LIMIT, EMPTY_FILTERS, groupIntoLanes, STATUS_LABELS, STATUSES } from "~/lib/board";
import { formatDate, formatDateTime } from "~/lib/weeks";
import { listBoardShared } from "~/routes/board/cards.server";
import boardStyles from "~/styles/board.css";
import { requireUser } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import type { PageHandle } from "~/utils/kept-page";
import { findPlanOfUrl, todayKey } from "~/models/plans.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: boardStyles }];

export const handle: PageHandle = { keptWhileUnchanged: true };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.plan ? `${data.plan.year}年` : ""}重点工作 · 投屏` }];

export async function loader(args: LoaderFunctionArgs) {
  await requireUser(args, "read");
  const db = getDb();
  const today = todayKey();
  const plan = await findPlanOfUrl(db, args.request.url, today);
  const loadedAt = new Date().toISOString();
  if (!plan) return { plan: null, today, loadedAt, cards: [], leaders: [], lights: null, hidden: 0, total: 0 };
  const board = await listBoardShared(db, plan, { filters: EMPTY_FILTERS, today, viewState: args.context.checked?.viewState });
  const hidden = Object.values(board.hidden).reduce((sum, n) => sum + n, 0);
  return { plan, today, loadedAt, cards: board.cards, leaders: board.options.leaders, lights: board.lights, hidden, total: board.total };
}

export default function MeetingView() {
  const { plan, today, loadedAt, cards, leaders, lights, hidden, total } = useLoaderData<typeof loader>();
  useLiveBoard({ planId: plan?.id ?? null, changeSeq: plan?.changeSeq ?? 0, paused: false });
  const [fullscreen, setFullscreen] = useState(false);
  useEffect(() => {
    const update = () => setFullscreen(document.fullscreenElement != null);
    document.addEventListener("fullscreenchange", update);
    return () => document.removeEventListener("fullscreenchange", update);
  }, []);

  const lanes = groupIntoLanes(
    cards,
    "leader",
    leaders.map((l) => `l${l.id}`),
  );
  const back = plan ? `/board?year=${plan.year}` : "/board";

  return (
    <div className="meeting">
      <header className="meeting-head">
        <div>
          <h1>{plan ? `${plan.title}` : "年度重点工作"}</h1>
          <p className="meeting-sub">
            {formatDate(today)} · 按责任领导分组 · 每10秒自动刷新（最近更新 {formatDateTime(loadedAt).slice(-5)}）
          </p>
        </div>
        <div className="meeting-actions">
          <button
            type="button"
            className="button secondary"
            onClick={() => {
              if (document.fullscreenElement) void document.exitFullscreen();
              else void document.documentElement.requestFullscreen?.();
            }}
          >
            {fullscreen ? "退出全屏" : "全屏"}
          </button>
          <Link to={back} className="button secondary">
            退出投屏
          </Link>
        </div>
      </header>
      {lights ? <LightSummary counts={lights} matching={total} total={total} /> : null}
      {hidden > 0 ? (
        <p className="notice">
          每列只显示前{COLUMN_LIMIT}项，另有{hidden}项未显示。
        </p>
      ) : null}
      {cards.length === 0 ? (
        <div className="empty-state">
          <p className="empty-title">{plan ? "这个年度还没有重点工作" : "还没有年度计划"}</p>
        </div>
      ) : (
        <div className="meeting-grid" role="table" aria-label="重点工作，按责任领导和状态">
          <div className="meeting-row meeting-row-head" role="row">
            <div className="meeting-lane-title" role="columnheader">
              责任领导
            </div>
            {STATUSES.map((status) => (
              <div key={status} className={`meeting-col-title column-${status}`} role="columnheader">
                <h2>{STATUS_LABELS[status]}</h2>
              </div>
            ))}
          </div>
          {lanes.map((lane) => (
            <div key={lane.key} className="meeting-row" role="row">
              <div className="meeting-lane-title" role="rowheader">
                {lane.label}
                <span className="meeting-lane-count">{lane.count}项</span>
              </div>
              {STATUSES.map((status) => (
                <div key={status} className="meeting-cell" role="cell" aria-label={`${lane.label} · ${STATUS_LABELS[status]}`}>
                  {lane.columns[status].map((card) => (
                    <div key={card.id} className={`task-card meeting-card light-edge-${card.light.light}`}>
                      <CardBody card={card} detailHref={null} />
                    </div>
                  ))}
                </div>
              ))}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
