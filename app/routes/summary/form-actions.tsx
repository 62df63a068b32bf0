import { Link } from "@remix-run/react";
import type { ReactNode } from "react";

/** The buttons under a summary form: submit (another label while it is sent) and the link back, then any status. */
export function FormActions({
  label,
  pendingLabel,
  pending,
  disabled = false,
  back,
  children,
}: {
  label: string;
  pendingLabel: string;
  pending: boolean;
  disabled?: boolean;
  back: { to: string; label: string; preventScrollReset?: boolean };
  children?: ReactNode;
}) {
  return (
    <div className="editor-actions">
      <button type="submit" className="button primary" disabled={pending || disabled}>
        {pending ? pendingLabel : label}
      </button>
      <Link className="button secondary" to={back.to} preventScrollReset={back.preventScrollReset}>
        {back.label}
      </Link>
      {children}
    </div>
  );
}
