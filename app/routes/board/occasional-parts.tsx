// The board's occasional parts — the 督办灯规则 form, the legend, the 驳回/验收 dialog, the
// new-year banner, a refused no-JS move's form, the no-plan page and the board's notes (empty, cut
// short, 已结转) — as stand-ins that load them on demand (components/on-demand.tsx), so the
// board's first load carries less JavaScript. Each stand-in takes the props of its part.
import { useEffect, useRef, useState, type ReactNode } from "react";
import { onDemand } from "~/components/on-demand";
import type { CarriedCard } from "~/routes/board/cards.server";
import type { BoardLimitNoteProps, EmptyBoardProps, NoBoardPlanProps } from "~/routes/board/board-notes";
import type { MoveToFormProps } from "~/routes/board/move-to-form";
import type { NewYearBannerData } from "~/routes/board/new-year-banner";
import type { ReasonRequest } from "~/routes/board/reason-dialog";
import type { ThresholdsFormProps } from "~/routes/board/thresholds-form";

type Parts = typeof import("~/routes/board/occasional");
const occasional = onDemand<Parts>(() => import("~/routes/board/occasional"));

/** Starts loading the occasional parts, e.g. when a drag starts that may end in a dialog. */
export const preloadOccasionalParts = occasional.preload;

const RELOAD_HINT = "未能加载（网络可能中断），请检查网络后刷新页面再试。";

const LOADING = (
  <p className="muted small" role="status">
    正在加载…
  </p>
);

function Occasional({
  when = true,
  render,
  pending = null,
  failed = <LoadFailed />,
}: {
  when?: boolean;
  render: (parts: Parts) => ReactNode;
  pending?: ReactNode;
  failed?: ReactNode;
}) {
  return <occasional.Part when={when} render={render} pending={pending} failed={failed} />;
}

function LoadFailed() {
  return (
    <p className="form-error" role="alert">
      这部分页面{RELOAD_HINT}
    </p>
  );
}

export function NewYearBanner(props: { banner: NewYearBannerData; shownYear: number | null }) {
  return <Occasional render={(parts) => <parts.NewYearBanner {...props} />} />;
}

/** The board's page when there is no plan to show. */
export function NoBoardPlan(props: NoBoardPlanProps) {
  return <Occasional render={(parts) => <parts.NoBoardPlan {...props} />} />;
}

export function EmptyBoard(props: EmptyBoardProps) {
  return <Occasional render={(parts) => <parts.EmptyBoard {...props} />} />;
}

export function BoardLimitNote(props: BoardLimitNoteProps) {
  return <Occasional render={(parts) => <parts.BoardLimitNote {...props} />} />;
}

export function CarriedList(props: { carried: CarriedCard[] }) {
  return <Occasional render={(parts) => <parts.CarriedList {...props} />} />;
}

/** Under a card whose no-JS move was refused, to be corrected there. */
export function MoveToForm(props: MoveToFormProps) {
  return <Occasional render={(parts) => <parts.MoveToForm {...props} />} />;
}

/**
 * A closed section whose content is loaded when it is first opened. The server draws it in
 * full (a page without JavaScript opens and submits it as it is).
 */
function DetailsOnDemand({
  className,
  summary,
  open,
  render,
}: {
  className: string;
  summary: string;
  open: boolean;
  render: (parts: Parts) => ReactNode;
}) {
  const details = useRef<HTMLDetailsElement>(null);
  const [opened, setOpened] = useState(false);
  // Opened before the page's JavaScript took over: the toggle event went by unheard.
  useEffect(() => {
    if (details.current?.open) setOpened(true);
  }, []);
  return (
    <details
      ref={details}
      className={className}
      open={open || undefined}
      onToggle={(event) => {
        if (event.currentTarget.open) setOpened(true);
      }}
    >
      <summary>{summary}</summary>
      <Occasional when={opened || open} render={render} pending={LOADING} />
    </details>
  );
}

/** 督办灯规则 (leaders and admins), open after a refused save. */
export function ThresholdsSection(props: ThresholdsFormProps) {
  return (
    <DetailsOnDemand
      className="thresholds card"
      summary="督办灯规则（本年度）"
      open={Object.keys(props.errors ?? {}).length > 0}
      render={(parts) => <parts.ThresholdsForm {...props} />}
    />
  );
}

export function LightLegend() {
  return <DetailsOnDemand className="light-legend" summary="督办灯怎么判定？" open={false} render={(parts) => <parts.LightLegend />} />;
}

interface ReasonDialogProps {
  request: ReasonRequest | null;
  onConfirm: (reason: string) => void;
  onCancel: () => void;
  /** Told why, when the dialog cannot be loaded (the card then goes back). */
  onUnavailable: (message: string) => void;
}

/** Mounted from the first request on (as the dialog was before), so it closes as it did. */
export function ReasonDialog({ onUnavailable, ...props }: ReasonDialogProps) {
  const [used, setUsed] = useState(false);
  if (props.request && !used) setUsed(true);
  if (!props.request && !used) return null;
  return (
    <Occasional
      render={(parts) => <parts.ReasonDialog {...props} />}
      pending={LOADING}
      failed={<ReasonDialogFailed {...props} onUnavailable={onUnavailable} />}
    />
  );
}

/** Without the dialog nobody can give the reason: the card goes back, and the board says why. */
function ReasonDialogFailed({ request, onCancel, onUnavailable }: ReasonDialogProps) {
  useEffect(() => {
    if (!request) return;
    onUnavailable(`填写原因的对话框${RELOAD_HINT}`);
    onCancel();
  }, [request, onCancel, onUnavailable]);
  return null;
}
