import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes } from "react";

// A labelled input with its error message tied to it for screen readers. Other input
// attributes (required, autoCapitalize, …) pass through to the <input>.
export function Field({
  name,
  label,
  error,
  type = "text",
  ...inputProps
}: {
  name: string;
  label: string;
  error?: string;
  type?: string;
} & Omit<InputHTMLAttributes<HTMLInputElement>, "name" | "type" | "aria-invalid" | "aria-describedby">) {
  return (
    <label className="field">
      <span>{label}</span>
      <input
        name={name}
        type={type}
        {...inputProps}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${name}-error` : undefined}
      />
      <FieldError name={name} error={error} />
    </label>
  );
}

/** A field's error message, with the id its input names in aria-describedby. */
export function FieldError({ name, error }: { name: string; error: string | undefined }) {
  return error ? (
    <span className="field-error" id={`${name}-error`}>
      {error}
    </span>
  ) : null;
}

/** For a form laid out by hand: each field's error message, and the attributes that tie its input to it. */
export function fieldErrorsOf(errors: Record<string, string | undefined>) {
  return {
    fieldError: (name: string) => <FieldError name={name} error={errors[name]} />,
    invalid: (name: string) => (errors[name] ? { "aria-invalid": true, "aria-describedby": `${name}-error` } : {}),
  };
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
