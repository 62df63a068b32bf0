// A labelled <select> with its error message (and the error message alone, which field.tsx's
// inputs share). Apart from field.tsx so pages with only selects (the board's filters) load no more.
import type { ReactNode, SelectHTMLAttributes } from "react";

/** A field's error message, with the id its input names in aria-describedby. */
export function FieldError({ name, error }: { name: string; error: string | undefined }) {
  return error ? (
    <span className="field-error" id={`${name}-error`}>
      {error}
    </span>
  ) : null;
}

export interface SelectFieldProps {
  name: string;
  label: ReactNode;
  defaultValue?: string | number | readonly string[] | null;
  options: readonly { value: string | number; label: string }[];
  emptyLabel?: string;
  error?: string;
}

/** Choices for a SelectField from named rows (units, leaders): the id as value, the name as label. */
export function namedOptions(rows: readonly { id: number; name: string }[]): SelectFieldProps["options"] {
  return rows.map((row) => ({ value: row.id, label: row.name }));
}

/** Choices for a SelectField from a list of codes and their Chinese labels (来源, 方向, 汇总方式). */
export function labelledOptions<T extends string>(values: readonly T[], labels: Record<T, string>): SelectFieldProps["options"] {
  return values.map((value) => ({ value, label: labels[value] }));
}

/**
 * A labelled <select> with its error message; `emptyLabel` adds a first "all" choice with an empty
 * value. Other select attributes (multiple, disabled, …) pass through to the <select>.
 */
export function SelectField({
  name,
  label,
  defaultValue,
  options,
  emptyLabel,
  error,
  ...selectProps
}: SelectFieldProps & Omit<SelectHTMLAttributes<HTMLSelectElement>, "name" | "defaultValue" | "aria-invalid">) {
  return (
    <label className="field">
      <span>{label}</span>
      <select
        name={name}
        defaultValue={defaultValue ?? ""}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${name}-error` : undefined}
        {...selectProps}
      >
        {emptyLabel !== undefined ? <option value="">{emptyLabel}</option> : null}
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      <FieldError name={name} error={error} />
    </label>
  );
}
