/** The 督办灯's words and default thresholds: client-safe, with none of lights.ts's rules. */

/** "upcoming" is 未开始: the task (or its plan) has not started, so nothing is due yet. */
export type Light = "green" | "yellow" | "red" | "done" | "upcoming";

export interface LightThresholds {
  /** More than this many points behind 序时进度 is yellow. */
  yellowBehind: number;
  /** More than this many points behind is red. */
  redBehind: number;
  /** Due within this many days (and not yet 待验收) is yellow. */
  dueSoonDays: number;
  /** This many finished weeks without an update is yellow … */
  silentWeeksYellow: number;
  /** … and this many is red. */
  silentWeeksRed: number;
}

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

/** The lights from worst to best, then 未开始 and 已销号: the order of counts and filter choices. */
export const LIGHT_ORDER: readonly Light[] = ["red", "yellow", "green", "upcoming", "done"];

/** "绿灯 正常推进", "未开始": the word, and the meaning when there is one. */
export function lightText(light: Light): string {
  const label = LIGHT_LABELS[light];
  return label.meaning ? `${label.word} ${label.meaning}` : label.word;
}
