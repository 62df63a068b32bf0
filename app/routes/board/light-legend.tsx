// How each light is decided: shape + word + colour, and the rule, in the board's legend.
import type { Light } from "~/lib/light-labels";
import { LightMark } from "~/routes/board/light-badge";

/** How each light is decided, in the legend. */
const LEGEND_RULES: { light: Light; rule: string }[] = [
  { light: "green", rule: "：完成进度落后序时进度不超过黄灯阈值。" },
  { light: "yellow", rule: "：落后超过黄灯阈值、临近完成时限且未申请办结，或上周未填报。" },
  { light: "red", rule: "：落后超过红灯阈值、已超期，或连续两周未填报。" },
  { light: "upcoming", rule: "：还没到开始日期（或所在年度还没开始）的任务，不算滞后，开始前无需填报，也不能催办。" },
];

/** The rules in the board's closed 督办灯怎么判定？ section (occasional-parts.tsx). */
export function LightLegend() {
  return (
    <ul>
      <li>序时进度 = 已过天数 ÷ 任务总天数（开始日期至完成时限；未设开始日期的从1月1日算起）。</li>
      {LEGEND_RULES.map(({ light, rule }) => (
        <li key={light}>
          <LightMark light={light} />
          {rule}
        </li>
      ))}
      <li>已销号的卡片不再亮灯。</li>
    </ul>
  );
}
