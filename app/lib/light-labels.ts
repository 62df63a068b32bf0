/** The 督办灯's words and default thresholds: client-safe, with none of lights.ts's rules. */
import type { Light, LightThresholds } from "~/lib/lights";

export const DEFAULT_LIGHT_THRESHOLDS: LightThresholds = {
  yellowBehind: 10,
  redBehind: 30,
  dueSoonDays: 7,
  silentWeeksYellow: 1,
  silentWeeksRed: 2,
};

/** The light is never shown by colour alone: always with its word and a shape. */
export const LIGHT_LABELS: Record<Light, { word: string; meaning: string; shape: string }> = {
  green: { word: "绿灯", meaning: "正常推进", shape: "●" },
  yellow: { word: "黄灯", meaning: "预警", shape: "▲" },
  red: { word: "红灯", meaning: "滞后", shape: "■" },
  done: { word: "已销号", meaning: "已完成", shape: "✔" },
  upcoming: { word: "未开始", meaning: "", shape: "○" },
};

/** "绿灯 正常推进", "未开始": the word, and the meaning when there is one. */
export function lightText(light: Light): string {
  const label = LIGHT_LABELS[light];
  return label.meaning ? `${label.word} ${label.meaning}` : label.word;
}
