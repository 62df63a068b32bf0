// A labelled input with its error message tied to it for screen readers.
export function Field({
  name,
  label,
  error,
  defaultValue,
  autoComplete,
  type = "text",
}: {
  name: string;
  label: string;
  error?: string;
  defaultValue?: string;
  autoComplete?: string;
  type?: string;
}) {
  return (
    <label className="field">
      <span>{label}</span>
      <input
        name={name}
        type={type}
        defaultValue={defaultValue}
        autoComplete={autoComplete}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${name}-error` : undefined}
      />
      {error ? (
        <span className="field-error" id={`${name}-error`}>
          {error}
        </span>
      ) : null}
    </label>
  );
}

export interface SelectFieldProps {
  name: string;
  label: string;
  defaultValue: string | number | null;
  options: readonly { value: string | number; label: string }[];
  emptyLabel?: string;
}

/** Choices for a SelectField from named rows (units, leaders): the id as value, the name as label. */
export function namedOptions(rows: readonly { id: number; name: string }[]): SelectFieldProps["options"] {
  return rows.map((row) => ({ value: row.id, label: row.name }));
}

/** A labelled <select>; `emptyLabel` adds a first "all" choice with an empty value. */
export function SelectField({ name, label, defaultValue, options, emptyLabel }: SelectFieldProps) {
  return (
    <label className="field">
      <span>{label}</span>
      <select name={name} defaultValue={defaultValue ?? ""}>
        {emptyLabel !== undefined ? <option value="">{emptyLabel}</option> : null}
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </label>
  );
}
