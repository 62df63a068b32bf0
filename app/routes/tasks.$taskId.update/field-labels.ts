// The 填报 form's fields by the names the form and its errors use, for messages that name them.
export const UPDATE_FIELD_LABELS: Record<string, string> = {
  body: "本周进展",
  progress: "完成进度",
  nextSteps: "下步计划",
  blockers: "困难问题",
  needsCoordination: "需要协调",
  attachments: "附件",
};

/** A field's label; metric values are named `metric_<id>` and go by the metric's name. */
export function updateFieldLabel(name: string, metrics: readonly { id: number; name: string }[]): string | undefined {
  const metric = name.startsWith("metric_") ? metrics.find((m) => `metric_${m.id}` === name) : undefined;
  return metric?.name ?? UPDATE_FIELD_LABELS[name];
}
