// Counts of lights at the top of the board, and the legend: shape + word + colour.
import { LIGHT_LABELS, lightText } from "~/lib/light-labels";
import type { Light } from "~/lib/lights";

const ORDER: Light[] = ["red", "yellow", "green", "upcoming", "done"];

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
      {ORDER.filter((light) => light !== "upcoming" || counts.upcoming > 0).map((light) => (
        <span key={light} className={`light light-${light}`}>
          <span className="light-word">
            <span className="light-shape" aria-hidden="true">
              {LIGHT_LABELS[light].shape}
            </span>
            {`${lightText(light)} ${counts[light]}项`}
          </span>
        </span>
      ))}
    </p>
  );
}

export function LightLegend() {
  return (
    <details className="light-legend">
      <summary>督办灯怎么判定？</summary>
      <ul>
        <li>序时进度 = 已过天数 ÷ 任务总天数（开始日期至完成时限；未设开始日期的从1月1日算起）。</li>
        <li>
          <span className="light light-green">
            <span className="light-word">
              <span className="light-shape" aria-hidden="true">
                ●
              </span>
              绿灯 正常推进
            </span>
          </span>
          ：完成进度落后序时进度不超过黄灯阈值。
        </li>
        <li>
          <span className="light light-yellow">
            <span className="light-word">
              <span className="light-shape" aria-hidden="true">
                ▲
              </span>
              黄灯 预警
            </span>
          </span>
          ：落后超过黄灯阈值、临近完成时限且未申请办结，或上周未填报。
        </li>
        <li>
          <span className="light light-red">
            <span className="light-word">
              <span className="light-shape" aria-hidden="true">
                ■
              </span>
              红灯 滞后
            </span>
          </span>
          ：落后超过红灯阈值、已超期，或连续两周未填报。
        </li>
        <li>
          <span className="light light-upcoming">
            <span className="light-word">
              <span className="light-shape" aria-hidden="true">
                ○
              </span>
              未开始
            </span>
          </span>
          ：还没到开始日期（或所在年度还没开始）的任务，不算滞后，开始前无需填报，也不能催办。
        </li>
        <li>已销号的卡片不再亮灯。</li>
      </ul>
    </details>
  );
}
