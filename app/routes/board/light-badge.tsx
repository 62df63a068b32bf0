// 督办灯: colour, shape and word together, never colour alone; the reason beside it.
import { LIGHT_LABELS, lightText, type Light } from "~/lib/light-labels";
import type { LightResult } from "~/lib/lights";

/** A light in its colour, with its shape (hidden from screen readers) and its words. */
export function LightMark({ light, text = lightText(light), reason }: { light: Light; text?: string; reason?: string }) {
  return (
    <span className={`light light-${light}`}>
      <span className="light-word">
        <span className="light-shape" aria-hidden="true">
          {LIGHT_LABELS[light].shape}
        </span>
        {text}
      </span>
      {reason ? <span className="light-reason">{reason}</span> : null}
    </span>
  );
}

/** A task's light, with the reason unless the task is 已销号. */
export function LightBadge({ light, withReason = true }: { light: LightResult; withReason?: boolean }) {
  return <LightMark light={light.light} reason={withReason && light.light !== "done" ? light.reasons.join("；") : undefined} />;
}
