import { Form, Link, useNavigation } from "@remix-run/react";
import { confirmSubmit } from "~/components/confirm-submit";
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

/**
 * A one-button form that posts an `intent` about a year's summary (with the version it was made
 * from); `confirm` asks first. The button says `pendingLabel` while this intent is being sent.
 */
export function IntentForm({
  intent,
  year,
  fields,
  label,
  pendingLabel,
  className,
  confirm,
}: {
  intent: string;
  year: number;
  fields: Record<string, string | number>;
  label: string;
  pendingLabel: string;
  className: string;
  confirm?: string;
}) {
  const navigation = useNavigation();
  const pending = navigation.state === "submitting" && navigation.formData?.get("intent") === intent;
  return (
    <Form method="post" onSubmit={confirmSubmit(confirm)}>
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="year" value={year} />
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <button type="submit" className={className} disabled={pending}>
        {pending ? pendingLabel : label}
      </button>
    </Form>
  );
}

/**
 * 生成 a year's summary draft: the first draft (`expectedVersion` 0), or a new version from the
 * latest data over version `expectedVersion`, which asks first (the edits stay in the history).
 */
export function GenerateForm({ year, expectedVersion, className }: { year: number; expectedVersion: number; className: string }) {
  const first = expectedVersion === 0;
  return (
    <IntentForm
      intent="generate"
      year={year}
      fields={{ expectedVersion }}
      label={first ? "生成总结草稿" : "按最新数据重新生成"}
      pendingLabel="正在生成…"
      className={className}
      confirm={first ? undefined : "重新生成会按最新数据写出新版本，当前修改保留在历史版本中，可随时恢复。确定重新生成吗？"}
    />
  );
}
