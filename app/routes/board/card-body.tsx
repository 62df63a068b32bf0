// What a task card shows: on the board (card.tsx) and in the meeting view, which has no drag and
// drop (so it does not load it).
import { memo } from "react";
import { Link } from "@remix-run/react";
import { ORIGIN_LABELS, type BoardCard } from "~/lib/board";
import { DueDateFact } from "~/routes/board/due-date-fact";
import { LightBadge } from "~/routes/board/light-badge";
import { MetricBars } from "~/routes/board/metric-bars";

export interface CardBodyProps {
  card: BoardCard;
  detailHref: string | null;
  pending?: boolean;
}

function unitNames(card: BoardCard) {
  return card.supportUnits.map((u) => u.name).join("、");
}

export const CardBody = memo(function CardBody({ card, detailHref, pending = false }: CardBodyProps) {
  const support = unitNames(card);
  return (
    <article className="task-card-body" aria-labelledby={`task-${card.id}-title`}>
      <p className="task-card-meta">
        <span className="task-code">{card.code}</span>
        {card.originRef ? (
          <span className="task-origin" title={`来源：上年总结 ${card.originRef}`}>
            {card.originRef}
          </span>
        ) : null}
        {card.origin === "problem" ? <span className="task-tag">{ORIGIN_LABELS.problem}</span> : null}
        {card.category ? <span className="task-category">{card.category}</span> : null}
        {pending ? <span className="task-pending">正在保存…</span> : null}
      </p>
      <h3 className="task-title" id={`task-${card.id}-title`}>
        {detailHref ? (
          <Link to={detailHref} preventScrollReset>
            {card.title}
          </Link>
        ) : (
          card.title
        )}
      </h3>
      <LightBadge light={card.light} />
      <dl className="task-facts">
        <div>
          <dt>牵头单位</dt>
          <dd>{card.leadUnit?.name ?? "未指定"}</dd>
        </div>
        {support ? (
          <div>
            <dt>配合单位</dt>
            <dd>{support}</dd>
          </div>
        ) : null}
        <div>
          <dt>责任领导</dt>
          <dd>{card.leadUser?.name ?? "未指定"}</dd>
        </div>
        <DueDateFact card={card} />
      </dl>
      <div className="task-progress">
        <span className="task-progress-text">
          完成 <strong>{`${card.progress}%`}</strong>
          {card.status !== "done" && card.light.light !== "upcoming" && card.dueDate ? (
            <span className="muted">{` · 序时进度 ${card.light.expectedProgress}%`}</span>
          ) : null}
        </span>
        <progress max={100} value={card.progress} aria-label={`完成${card.progress}%`} />
      </div>
      <MetricBars metrics={card.metrics} />
    </article>
  );
});
