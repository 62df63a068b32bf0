// Cells of the 计划台账: the plain form cell a row posts without JavaScript, and the in-place
// editor a live cell opens (typing, a select or the date picker).
import { useLayoutEffect, useRef, useState, type KeyboardEvent } from "react";
import { LEDGER_COLUMNS, fieldText, type LedgerField, type LedgerRefs, type LedgerRow } from "~/lib/ledger";

export type Refs = LedgerRefs & { categories: string[] };

export interface Editing {
  r: number;
  c: number;
  draft: string;
  /** text: typed (names matched by prefix, dates as written); pick: a select or the date picker. */
  mode: "text" | "pick";
}

export function FormCell({
  row,
  field,
  refs,
  error,
}: {
  row: LedgerRow;
  field: string;
  refs: Refs;
  error?: Partial<Record<LedgerField, string>>;
}) {
  const column = LEDGER_COLUMNS.find((c) => c.key === field)!;
  const form = `row-${row.id}`;
  const label = `${row.code} ${column.header}`;
  if (field === "code" || field === "status") {
    return (
      <td className={`col-${field}`} data-label={column.header}>
        {field === "code" ? row.code : row.status}
      </td>
    );
  }
  const f = field as LedgerField;
  const invalid = error?.[f] ? { "aria-invalid": true as const } : {};
  let control;
  if (f === "leaderId" || f === "leadUnitId") {
    const options = f === "leaderId" ? refs.leaders : refs.units;
    control = (
      <select form={form} name={f} aria-label={label} defaultValue={fieldText(row, f, refs)} {...invalid}>
        <option value="">未指定</option>
        {options.map((o) => (
          <option key={o.id} value={o.name}>
            {o.name}
          </option>
        ))}
      </select>
    );
  } else if (f === "dueDate") {
    control = <input type="date" form={form} name={f} aria-label={label} defaultValue={row.dueDate ?? ""} {...invalid} />;
  } else {
    control = (
      <input
        form={form}
        name={f}
        aria-label={label}
        defaultValue={fieldText(row, f, refs)}
        list={f === "category" ? "ledger-categories" : undefined}
        inputMode={f === "metricTarget" ? "decimal" : undefined}
        {...invalid}
      />
    );
  }
  return (
    <td className={`col-${field} form-cell`} data-label={column.header}>
      {control}
    </td>
  );
}

/** Enter and Tab as in a spreadsheet: Enter goes down (Shift+Enter up), Tab to the next cell (Shift+Tab the previous). */
export function enterTabStep(event: { key: string; shiftKey: boolean }): "up" | "down" | "next" | "previous" | null {
  if (event.key === "Enter") return event.shiftKey ? "up" : "down";
  if (event.key === "Tab") return event.shiftKey ? "previous" : "next";
  return null;
}

export function CellEditor({
  field,
  editing,
  refs,
  label,
  onCommit,
  onCancel,
}: {
  field: LedgerField;
  editing: Editing;
  refs: Refs;
  label: string;
  onCommit: (value: string, direction: "up" | "down" | "next" | "previous" | null) => void;
  onCancel: () => void;
}) {
  const [value, setValue] = useState(editing.draft);
  const ref = useRef<HTMLInputElement & HTMLSelectElement>(null);
  const finished = useRef(false);

  useLayoutEffect(() => {
    const element: HTMLElement | null = ref.current;
    if (!element) return;
    element.focus();
    if (element instanceof HTMLInputElement && element.type === "text") {
      const end = element.value.length;
      element.setSelectionRange(end, end);
    }
  }, []);

  function finish(direction: Parameters<typeof onCommit>[1] | "cancel") {
    if (finished.current) return;
    finished.current = true;
    if (direction === "cancel") onCancel();
    else onCommit(value, direction);
  }

  function onKeyDown(event: KeyboardEvent<HTMLElement>) {
    event.stopPropagation();
    // An input method is composing: Enter picks its candidate, it must not save.
    if (event.nativeEvent.isComposing || event.keyCode === 229) return;
    const step = enterTabStep(event);
    if (step) {
      event.preventDefault();
      finish(step);
    } else if (event.key === "Escape") {
      event.preventDefault();
      finish("cancel");
    }
  }

  const common = {
    ref,
    "aria-label": label,
    className: "cell-input",
    value,
    onKeyDown,
    onBlur: () => finish(null),
  };

  if (editing.mode === "pick" && (field === "leaderId" || field === "leadUnitId" || field === "category")) {
    const options =
      field === "leaderId" ? refs.leaders.map((l) => l.name) : field === "leadUnitId" ? refs.units.map((u) => u.name) : refs.categories;
    return (
      <select {...common} onChange={(event) => setValue(event.target.value)}>
        <option value="">{field === "category" ? "（无）" : "未指定"}</option>
        {[...new Set(value && !options.includes(value) ? [...options, value] : options)].map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
    );
  }
  if (editing.mode === "pick" && field === "dueDate") {
    return <input {...common} type="date" onChange={(event) => setValue(event.target.value)} />;
  }
  const list =
    field === "leaderId"
      ? "ledger-leaders"
      : field === "leadUnitId" || field === "supportUnitIds"
        ? "ledger-units"
        : field === "category"
          ? "ledger-categories"
          : undefined;
  return (
    <input
      {...common}
      type="text"
      list={list}
      inputMode={field === "metricTarget" ? "decimal" : undefined}
      autoComplete="off"
      onChange={(event) => setValue(event.target.value)}
    />
  );
}
