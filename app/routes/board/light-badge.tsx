// 督办灯: colour, shape and word together, never colour alone; the reason beside it.
import { LIGHT_LABELS, lightText } from "~/lib/light-labels";
import type { LightResult } from "~/lib/lights";

export function LightBadge({ light, withReason = true }: { light: LightResult; withReason?: boolean }) {
  const label = LIGHT_LABELS[light.light];
  const reason = light.reasons.join("；");
  return (
    <span className={`light light-${light.light}`}>
      <span className="light-word">
        <span className="light-shape" aria-hidden="true">
          {label.shape}
        </span>
        {lightText(light.light)}
      </span>
      {withReason && reason && light.light !== "done" ? <span className="light-reason">{reason}</span> : null}
    </span>
  );
}
