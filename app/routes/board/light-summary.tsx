// Counts of lights at the top of the board (the legend is light-legend.tsx): shape + word + colour.
import { LIGHT_ORDER, lightText, type Light } from "~/lib/light-labels";
import { LightMark } from "~/routes/board/light-badge";

export function LightSummary({
  counts,
  matching,
  total,
}: {
  counts: Record<Light, number>;
  /** Cards matching the filters. */
  matching: number;
  /** Cards in the plan. */
  total: number;
}) {
  return (
    <p className="light-summary">
      <span>
        共 <strong>{matching}</strong> 项{matching !== total ? `（全年度${total}项）` : ""}
      </span>
      {/* 未开始 only when there is such a card (a plan that has not started, a task starting later). */}
      {LIGHT_ORDER.filter((light) => light !== "upcoming" || counts.upcoming > 0).map((light) => (
        <LightMark key={light} light={light} text={`${lightText(light)} ${counts[light]}项`} />
      ))}
    </p>
  );
}
