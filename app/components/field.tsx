import type { InputHTMLAttributes } from "react";
import { FieldError } from "~/components/select-field";

// The board's filters need only the <select> half: it lives apart, and is re-exported here.

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

/** For a form laid out by hand: each field's error message, and the attributes that tie its input to it. */
export function fieldErrorsOf(errors: Record<string, string | undefined>) {
  return {
    fieldError: (name: string) => <FieldError name={name} error={errors[name]} />,
    invalid: (name: string) => (errors[name] ? { "aria-invalid": true, "aria-describedby": `${name}-error` } : {}),
  };
}
