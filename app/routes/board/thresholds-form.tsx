// 督办灯 rules of one plan, editable by leaders and admins: the form inside the board's
// 督办灯规则 section (thresholds-section.tsx), loaded with the board's occasional parts.
import { Form } from "@remix-run/react";
import type { LightThresholds } from "~/lib/lights";

const FIELDS: { name: keyof LightThresholds; label: string; hint: string }[] = [
  { name: "yellowBehind", label: "黄灯：落后序时进度超过（个百分点）", hint: "默认10" },
  { name: "redBehind", label: "红灯：落后序时进度超过（个百分点）", hint: "默认30" },
  { name: "dueSoonDays", label: "到期前几天亮黄灯（天）", hint: "默认7" },
  { name: "silentWeeksYellow", label: "黄灯：连续未填报（周）", hint: "默认1" },
  { name: "silentWeeksRed", label: "红灯：连续未填报（周）", hint: "默认2" },
];

export interface ThresholdsFormProps {
  planId: number;
  version: number;
  thresholds: LightThresholds;
  back: string;
  errors?: Record<string, string>;
  values?: Record<string, string>;
}

export function ThresholdsForm({ planId, version, thresholds, back, errors = {}, values = {} }: ThresholdsFormProps) {
  return (
    <Form method="post" action="/board" className="thresholds-form" noValidate preventScrollReset>
      <input type="hidden" name="intent" value="thresholds" />
      <input type="hidden" name="planId" value={planId} />
      <input type="hidden" name="version" value={version} />
      <input type="hidden" name="back" value={back} />
      {errors._form ? (
        <p className="form-error" role="alert">
          {errors._form}
        </p>
      ) : null}
      <div className="thresholds-grid">
        {FIELDS.map((field) => (
          <label key={field.name} className="field">
            <span>{field.label}</span>
            <input
              name={field.name}
              inputMode="decimal"
              defaultValue={values[field.name] ?? String(thresholds[field.name])}
              aria-invalid={errors[field.name] ? true : undefined}
              aria-describedby={errors[field.name] ? `th-${field.name}-error` : `th-${field.name}-hint`}
            />
            {errors[field.name] ? (
              <span className="field-error" id={`th-${field.name}-error`}>
                {errors[field.name]}
              </span>
            ) : (
              <span className="muted small" id={`th-${field.name}-hint`}>
                {field.hint}
              </span>
            )}
          </label>
        ))}
      </div>
      <button type="submit" className="button primary">
        保存督办灯规则
      </button>
    </Form>
  );
}
