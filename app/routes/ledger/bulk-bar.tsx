// The 计划台账's bulk bar: one change (责任领导, 牵头单位, 配合单位, 完成时限, 类别) for every selected row.
import { Form } from "@remix-run/react";
import type { Refs } from "~/routes/ledger/ledger-cells";

export function BulkBar({
  year,
  refs,
  count,
  rowsValue,
  firstRef,
  formRef,
}: {
  year: number;
  refs: Refs;
  /** Rows selected (null before the page is interactive: the checkboxes then post themselves). */
  count: number | null;
  rowsValue: string;
  firstRef: React.RefObject<HTMLSelectElement>;
  formRef: React.RefObject<HTMLFormElement>;
}) {
  const unitNames = refs.units.map((u) => u.name);
  return (
    <Form
      method="post"
      id="ledger-bulk"
      ref={formRef}
      className={`field-bar bulk-bar no-print${count === 0 ? " is-empty" : ""}`}
      preventScrollReset
      aria-labelledby="bulk-title"
    >
      <input type="hidden" name="intent" value="bulk" />
      <input type="hidden" name="year" value={year} />
      {count != null ? <input type="hidden" name="rows" value={rowsValue} /> : null}
      <h2 id="bulk-title" className="bulk-title">
        批量修改{count != null ? <span className="bulk-count">（已选{count}行）</span> : <span className="bulk-count">（勾选的行）</span>}
      </h2>
      <NameSelect label="责任领导" name="leaderId" names={refs.leaders.map((l) => l.name)} clearable selectRef={firstRef} />
      <NameSelect label="牵头单位" name="leadUnitId" names={unitNames} clearable />
      <label className="bulk-field">
        <span>完成时限</span>
        <input name="dueDate" placeholder="如 6.30、6月底" autoComplete="off" inputMode="text" />
      </label>
      <label className="bulk-field">
        <span>类别</span>
        <input name="category" list="ledger-categories" maxLength={30} placeholder="不修改" />
      </label>
      <NameSelect label="增加配合单位" name="addSupport" names={unitNames} />
      <NameSelect label="移除配合单位" name="removeSupport" names={unitNames} />
      <button type="submit" className="button primary small" disabled={count === 0}>
        应用到所选行
      </button>
    </Form>
  );
}

/** A bulk field choosing a leader or unit by name: 不修改 by default, optionally （清空）. */
function NameSelect({
  label,
  name,
  names,
  clearable = false,
  selectRef,
}: {
  label: string;
  name: string;
  names: readonly string[];
  clearable?: boolean;
  selectRef?: React.RefObject<HTMLSelectElement>;
}) {
  return (
    <label className="bulk-field">
      <span>{label}</span>
      <select name={name} ref={selectRef} defaultValue="">
        <option value="">不修改</option>
        {names.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
        {clearable ? <option value="-">（清空）</option> : null}
      </select>
    </label>
  );
}
