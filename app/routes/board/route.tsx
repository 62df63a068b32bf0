import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, Outlet, useActionData, useLoaderData, useNavigate, type ShouldRevalidateFunction } from "@remix-run/react";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { BoardView } from "~/routes/board/board-view";
import { FilterBar } from "~/routes/board/filter-bar";
import { LightSummary } from "~/routes/board/light-summary";
import { QuickAdd } from "~/routes/board/quick-add";
import { useBoardMoves } from "~/routes/board/use-board-moves";
import { useLiveBoard } from "~/routes/board/use-live-board";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { boardSearch, groupIntoLanes, withMoreOf } from "~/lib/board";
import { parseBoardFilters } from "~/lib/board-filters.server";
import { listBoardShared } from "~/routes/board/cards.server";
import boardStyles from "~/styles/board.css";
import { requireUser } from "~/utils/auth.server";
import { readForm, readIntent } from "~/utils/forms.server";
import { can } from "~/utils/permissions";
import { formatDateKey } from "~/lib/date-keys";
import { BOARD_INTENTS, moveCard, moveCardByForm, quickAdd, saveThresholds } from "~/routes/board/actions.server";
import { loadPlanPage } from "~/utils/plan-page.server";
import type { PageHandle } from "~/utils/kept-page";
import { YearPicker } from "~/components/year-picker";
import {
  BoardLimitNote,
  CarriedList,
  EmptyBoard,
  LightLegend,
  NewYearBanner,
  NoBoardPlan,
  ThresholdsSection,
} from "~/routes/board/occasional-parts";
import { boardTitle, newYearBannerFor } from "~/routes/board/page.server";
import { othersMoveNotes } from "~/lib/move-notes";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: boardStyles }];

export const handle: PageHandle = { keptWhileUnchanged: true };

// The loader names the page (page.server.ts); without its data (an error page) the title has no year.
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "看板 · 年度重点工作看板" }];

export async function loader(args: LoaderFunctionArgs) {
  const { user, url, db, today, requestedYear, plan, years } = await loadPlanPage(args);
  const filters = parseBoardFilters(url.searchParams);
  const actor = { id: user.id, role: user.role, unitId: user.unitId };
  const board = plan ? await listBoardShared(db, plan, { filters, today, viewState: args.context.checked?.viewState }) : null;
  const newYear = newYearBannerFor(actor, years, today);
  return { actor, plan, years, requestedYear, today, filters, board, newYear, title: boardTitle(plan) };
}

export async function action(args: ActionFunctionArgs) {
  const user = await requireUser(args, "read");
  const formData = await readForm(args.request);
  const intent = readIntent(formData, BOARD_INTENTS);
  switch (intent) {
    case "move":
      return moveCard(user, formData);
    case "moveTo":
      return moveCardByForm(user, formData);
    case "quickAdd":
      return quickAdd(user, formData);
    case "thresholds":
      return saveThresholds(user, formData);
  }
}

/**
 * A drag-and-drop move answers with the moved card: the board loader is not run again, so a
 * move costs a few hundred bytes, not the whole board. Other changes revalidate as usual.
 */
export const shouldRevalidate: ShouldRevalidateFunction = ({ formData, actionResult, defaultShouldRevalidate }) => {
  if (formData?.get("intent") === "move") {
    const result = actionResult as { ok?: boolean; status?: number } | undefined;
    return !(result?.ok || result?.status === 400 || result?.status === 403);
  }
  return defaultShouldRevalidate;
};

export default function BoardPage() {
  const { actor, plan, years, requestedYear, today, filters, board, newYear } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigate = useNavigate();
  const [messages, setMessages] = useState<{ id: number; text: string }[]>([]);
  const [dragging, setDragging] = useState(false);

  const addMessage = useCallback((text: string) => {
    setMessages((current) => [...current.slice(-3), { id: Date.now() + Math.random(), text }]);
  }, []);

  const live = useLiveBoard({ planId: plan?.id ?? null, changeSeq: plan?.changeSeq ?? 0, paused: dragging });
  const moves = useBoardMoves(board?.cards ?? [], {
    onRefused: (message, card, status) =>
      addMessage(`${card ? `卡片 ${card.code} ` : ""}${status === 409 ? "未能移动" : "未能移动，已放回原处"}：${message}`),
    onConfirmed: live.acknowledge,
  });

  // When the live refresh brings cards others moved, say so quietly: "刘主任 把 2025-05 移到 待验收".
  const [moveNote, setMoveNote] = useState<string | null>(null);
  const shownCards = useRef(moves.cards);
  useEffect(() => {
    if (!board) return;
    const notes = othersMoveNotes(shownCards.current, board.cards, board.recentMoves, actor.id);
    if (notes.length === 0) return;
    const time = new Date().toLocaleTimeString("zh-CN", { hour: "2-digit", minute: "2-digit", hour12: false });
    setMoveNote(`${time} ${notes.join("；")}`);
    // Only new loader data is compared with what was shown just before it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [board]);
  useEffect(() => {
    shownCards.current = moves.cards;
  });

  const lanes = useMemo(() => {
    if (!board) return [];
    const order =
      filters.lane === "unit"
        ? board.options.units.map((u) => `u${u.id}`)
        : filters.lane === "leader"
          ? board.options.leaders.map((l) => `l${l.id}`)
          : board.options.categories.map((c) => `c${c}`);
    return groupIntoLanes(moves.cards, filters.lane, order);
  }, [board, moves.cards, filters.lane]);

  if (!plan || !board) {
    return <NoBoardPlan requestedYear={requestedYear} years={years} newYear={newYear} canStartPlan={can(actor, "summary.manage")} />;
  }

  const back = boardSearch(plan.year, filters);
  const hiddenTotal = Object.values(board.hidden).reduce((sum, n) => sum + n, 0);
  const matching = board.cards.length + hiddenTotal;
  const readOnly = plan.status === "archived" || !can(actor, "tasks.move", actor.unitId != null ? [actor.unitId] : []);
  const canManage = can(actor, "tasks.manage") && plan.status === "active";
  const quickAddFailure = actionData && "intent" in actionData && actionData.intent === "quickAdd" && !actionData.ok ? actionData : null;
  const thresholdFailure = actionData && "intent" in actionData && actionData.intent === "thresholds" && !actionData.ok ? actionData : null;
  const moveToFailure = actionData && "intent" in actionData && actionData.intent === "moveTo" && !actionData.ok ? actionData : null;

  return (
    <section className="page board-page">
      <header className="page-head board-header">
        <div>
          <h1>{plan.year}年度重点工作看板</h1>
          <p className="muted small">
            {plan.title} · 今天 {formatDateKey(today)}
            {plan.status === "archived" ? " · 已归档（只读）" : ""}
          </p>
        </div>
        <div className="board-header-actions">
          <YearPicker years={years} current={plan.year} to={(year) => `/board${boardSearch(year, filters)}`} />
          <Link to={`/board/meeting?year=${plan.year}`} className="button secondary">
            投屏模式
          </Link>
        </div>
      </header>

      {newYear ? <NewYearBanner banner={newYear} shownYear={plan.year} /> : null}

      <FilterBar
        year={plan.year}
        filters={filters}
        units={board.options.units}
        leaders={board.options.leaders}
        categories={board.options.categories}
      />

      <LightSummary counts={board.lights} matching={matching} total={board.total} />
      {hiddenTotal > 0 ? (
        <BoardLimitNote hidden={hiddenTotal} allHref={`/board${boardSearch(plan.year, { ...filters, all: true })}`} />
      ) : null}

      <div className="board-messages" role="status" aria-live="polite">
        {moveToFailure ? <p className="form-error">未能移动卡片：{moveToFailure.message}</p> : null}
        {messages.map((message) => (
          <p key={message.id} className="form-error board-message">
            {message.text}
            <button type="button" className="linklike" onClick={() => setMessages((current) => current.filter((m) => m.id !== message.id))}>
              知道了
            </button>
          </p>
        ))}
      </div>

      <p className="board-move-note" role="status" aria-live="polite">
        {moveNote}
      </p>

      {board.total === 0 || matching === 0 ? <EmptyBoard total={board.total} canManage={canManage} year={plan.year} /> : null}

      {lanes.length > 0 ? (
        <BoardView
          lanes={lanes}
          showLaneTitles={filters.lane !== "none"}
          actor={actor}
          readOnly={readOnly}
          back={back}
          pendingIds={moves.pendingIds}
          onMove={moves.move}
          onRefused={(message) => addMessage(`未能移动，已放回原处：${message}`)}
          onDraggingChange={setDragging}
          moveToFailure={moveToFailure}
          hidden={filters.lane === "none" ? board.hidden : undefined}
          moreHref={(status) => `/board${boardSearch(plan.year, withMoreOf(filters, status))}`}
          renderColumnTop={
            canManage && filters.lane === "none"
              ? (status) =>
                  status === "done" ? null : (
                    <QuickAdd
                      key={status}
                      planId={plan.id}
                      status={status}
                      back={back}
                      error={quickAddFailure?.status === status ? quickAddFailure.errors.title : undefined}
                      value={quickAddFailure?.status === status ? quickAddFailure.values.title : undefined}
                    />
                  )
              : undefined
          }
        />
      ) : null}
      {board.carried.length > 0 ? <CarriedList carried={board.carried} /> : null}
      {moves.watchers}

      <LightLegend />
      {canManage ? (
        <ThresholdsSection
          planId={plan.id}
          version={plan.version}
          thresholds={plan.thresholds}
          back={back}
          errors={thresholdFailure?.errors}
          values={thresholdFailure?.values}
        />
      ) : null}
      <Outlet context={{ back, onClose: () => navigate(`/board${back}`, { preventScrollReset: true }) }} />
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
