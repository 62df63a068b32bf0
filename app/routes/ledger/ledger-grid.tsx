// The 台账 table. Without JavaScript every row is its own form (inputs in the cells, a 保存 per
// row). With it the table is a spreadsheet: one focused cell (roving tabindex), arrows/Tab/Enter
// move, typing starts an edit, Enter saves (never while an input method is composing), Esc
// cancels, F2 or a double click opens a select or the date picker. Each saved cell is one
// request with the row's version through its own fetcher: the new value shows at once and
// the old one comes back, with the reason in the cell, if the server refuses it.
import { Form, useFetcher, useSubmit } from "@remix-run/react";
import { Fragment, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from "react";
import { LEDGER_COLUMNS, fieldText, type LedgerField, type LedgerRow } from "~/lib/ledger";
import type { LedgerActionData } from "~/routes/ledger/actions.server";
import { BulkBar } from "~/routes/ledger/bulk-bar";
import { CellEditor, enterTabStep, FormCell, type Editing, type Refs } from "~/routes/ledger/ledger-cells";

const COLUMN_COUNT = LEDGER_COLUMNS.length;
const FIRST_EDITABLE = LEDGER_COLUMNS.findIndex((c) => c.editable);
const PICKABLE: ReadonlySet<string> = new Set(["leaderId", "leadUnitId", "category", "dueDate"]);

function cellKey(r: number, c: number) {
  return `${r}-${c}`;
}

export function LedgerGrid({
  year,
  rows,
  refs,
  canEdit,
  actionData,
}: {
  year: number;
  rows: LedgerRow[];
  refs: Refs;
  canEdit: boolean;
  actionData: LedgerActionData | null;
}) {
  const [hydrated, setHydrated] = useState(false);
  const [active, setActive] = useState({ r: 0, c: FIRST_EDITABLE });
  const [editing, setEditing] = useState<Editing | null>(null);
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const [announcement, setAnnouncement] = useState("");
  const anchor = useRef<number | null>(null);
  const tableRef = useRef<HTMLTableElement>(null);
  const bulkFirstRef = useRef<HTMLSelectElement>(null);
  const bulkFormRef = useRef<HTMLFormElement>(null);
  const wantFocus = useRef(false);
  const submit = useSubmit();

  useEffect(() => {
    setHydrated(true);
    // The page is for filling the 台账: the first cell takes the keyboard (not on a phone,
    // where it would only scroll the page past its head).
    if (canEdit && !window.matchMedia("(max-width: 640px)").matches) wantFocus.current = true;
  }, [canEdit]);

  // Rows may disappear (a task deleted elsewhere): keep the focused cell inside the table.
  const rowCount = rows.length;
  const r = Math.min(active.r, Math.max(0, rowCount - 1));
  const c = active.c;

  useLayoutEffect(() => {
    if (!hydrated || editing || !wantFocus.current) return;
    const cell = tableRef.current?.querySelector<HTMLElement>(`[data-cell="${cellKey(r, c)}"]`);
    if (cell && document.activeElement !== cell) cell.focus();
  }, [hydrated, r, c, editing]);

  // After a bulk change the keyboard goes back to the table; the bulk form is emptied.
  useEffect(() => {
    if (actionData?.intent === "bulk" && actionData.ok) {
      bulkFormRef.current?.reset();
      wantFocus.current = true;
      const cell = tableRef.current?.querySelector<HTMLElement>(`[data-cell="${cellKey(r, c)}"]`);
      cell?.focus();
    }
    // Only when a new answer arrives.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [actionData]);

  function moveTo(nr: number, nc: number) {
    wantFocus.current = true;
    setActive({ r: Math.max(0, Math.min(rowCount - 1, nr)), c: Math.max(0, Math.min(COLUMN_COUNT - 1, nc)) });
  }

  function move(direction: "up" | "down" | "left" | "right" | "next" | "previous") {
    if (direction === "up") moveTo(r - 1, c);
    else if (direction === "down") moveTo(r + 1, c);
    else if (direction === "left") moveTo(r, c - 1);
    else if (direction === "right") moveTo(r, c + 1);
    else if (direction === "next") {
      if (c < COLUMN_COUNT - 2) moveTo(r, c + 1);
      else if (r < rowCount - 1) moveTo(r + 1, FIRST_EDITABLE);
    } else if (c > FIRST_EDITABLE) moveTo(r, c - 1);
    else if (r > 0) moveTo(r - 1, COLUMN_COUNT - 2);
  }

  function selectRange(index: number, shift: boolean, value: boolean) {
    const next = new Set(selected);
    if (shift && anchor.current != null) {
      const [from, to] = [Math.min(anchor.current, index), Math.max(anchor.current, index)];
      for (let i = from; i <= to; i++) {
        if (value) next.add(rows[i].id);
        else next.delete(rows[i].id);
      }
    } else if (value) next.add(rows[index].id);
    else next.delete(rows[index].id);
    anchor.current = index;
    setSelected(next);
    setAnnouncement(`已选${next.size}行`);
  }

  function startEdit(draft: string | null, mode: Editing["mode"]) {
    const column = LEDGER_COLUMNS[c];
    if (!canEdit || !column.editable || !rows[r]) return;
    const row = rows[r];
    const field = column.key as LedgerField;
    const current = field === "dueDate" && mode === "pick" ? (row.dueDate ?? "") : fieldText(row, field, refs);
    setEditing({ r, c, draft: draft ?? current, mode: mode === "pick" && !PICKABLE.has(field) ? "text" : mode });
  }

  function onGridKeyDown(event: KeyboardEvent<HTMLTableElement>) {
    if (editing || !hydrated) return;
    const target = event.target as HTMLElement;
    if (!target.dataset.cell) return;
    const mod = event.ctrlKey || event.metaKey;
    const moves: Record<string, Parameters<typeof move>[0]> = {
      ArrowUp: "up",
      ArrowDown: "down",
      ArrowLeft: "left",
      ArrowRight: "right",
    };
    const step = enterTabStep(event);
    if (moves[event.key] && !mod) {
      event.preventDefault();
      move(moves[event.key]);
    } else if (step) {
      // Tab leaves the table from its first or last cell, as a browser would.
      const atEdge = event.shiftKey ? r === 0 && c <= FIRST_EDITABLE : r === rowCount - 1 && c >= COLUMN_COUNT - 2;
      if (event.key === "Tab" && atEdge) return;
      event.preventDefault();
      move(step);
    } else if (event.key === "F2") {
      event.preventDefault();
      startEdit(null, "pick");
    } else if (mod && event.key.toLowerCase() === "a" && canEdit) {
      event.preventDefault();
      setSelected(new Set(rows.map((row) => row.id)));
      setAnnouncement(`已选中全部${rows.length}行，请在“批量修改”中设置`);
      wantFocus.current = false;
      bulkFirstRef.current?.focus();
    } else if (event.key === " " && event.shiftKey && canEdit) {
      event.preventDefault();
      selectRange(r, false, !selected.has(rows[r].id));
    } else if (event.key === "Backspace" || event.key === "Delete") {
      event.preventDefault();
      startEdit("", "text");
    } else if (event.key === "Process") {
      // An input method began composing on the cell: open the editor, the composition follows.
      startEdit("", "text");
    } else if (event.key.length === 1 && !mod && !event.altKey) {
      event.preventDefault();
      startEdit(event.key, "text");
    }
  }

  function onPaste(event: React.ClipboardEvent) {
    if (editing || !canEdit || !hydrated) return;
    const text = event.clipboardData.getData("text/plain");
    if (!text) return;
    event.preventDefault();
    if (/[\t\n]/.test(text.replace(/\r?\n$/, ""))) {
      submit(
        {
          intent: "paste-preview",
          year: String(year),
          block: text,
          rowIds: rows.map((row) => row.id).join(","),
          startRow: String(r),
          startColumn: String(c),
        },
        { method: "post", preventScrollReset: true },
      );
    } else startEdit(text.replace(/\r?\n$/, ""), "text");
  }

  const rowError = actionData?.intent === "row" && !actionData.ok ? actionData : null;
  const selectedRows = rows.filter((row) => selected.has(row.id));
  let lastCategory: string | null = null;

  return (
    <>
      {canEdit ? (
        <BulkBar
          year={year}
          refs={refs}
          count={hydrated ? selectedRows.length : null}
          rowsValue={selectedRows.map((row) => `${row.id}:${row.version}`).join(",")}
          firstRef={bulkFirstRef}
          formRef={bulkFormRef}
        />
      ) : null}
      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>
      <datalist id="ledger-leaders">
        {refs.leaders.map((l) => (
          <option key={l.id} value={l.name} />
        ))}
      </datalist>
      <datalist id="ledger-units">
        {refs.units.map((u) => (
          <option key={u.id} value={u.name} />
        ))}
      </datalist>
      <datalist id="ledger-categories">
        {refs.categories.map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
      <div className="ledger-scroll" onPaste={onPaste}>
        <table
          ref={tableRef}
          className={`ledger-table${hydrated ? " is-live" : ""}`}
          role={hydrated ? "grid" : undefined}
          aria-label={`${year}年计划台账`}
          aria-rowcount={rowCount + 1}
          onKeyDown={onGridKeyDown}
        >
          <thead>
            <tr>
              {canEdit ? (
                <th scope="col" className="col-select">
                  <span className="visually-hidden">选择</span>
                </th>
              ) : null}
              {LEDGER_COLUMNS.map((column) => (
                <th key={column.key} scope="col" className={`col-${column.key}`}>
                  {column.header}
                </th>
              ))}
              {canEdit && !hydrated ? (
                <th scope="col" className="col-save">
                  保存
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, index) => {
              const groupHeader =
                row.category !== lastCategory ? (
                  <tr className="group-row">
                    <th colSpan={COLUMN_COUNT + (canEdit ? 1 : 0) + (canEdit && !hydrated ? 1 : 0)} scope="colgroup">
                      {row.category || "未分类"}
                      <span className="group-count">{rows.filter((x) => x.category === row.category).length}项</span>
                    </th>
                  </tr>
                ) : null;
              lastCategory = row.category;
              const isSelected = selected.has(row.id);
              return (
                <Fragment key={row.id}>
                  {groupHeader}
                  <tr className={isSelected ? "is-selected" : undefined} aria-selected={hydrated && canEdit ? isSelected : undefined}>
                    {canEdit ? (
                      <td className="col-select">
                        <input
                          type="checkbox"
                          aria-label={`选择 ${row.code}`}
                          name={hydrated ? undefined : "row"}
                          value={`${row.id}:${row.version}`}
                          form="ledger-bulk"
                          tabIndex={hydrated ? -1 : undefined}
                          checked={hydrated ? isSelected : undefined}
                          onChange={() => undefined}
                          onClick={(event) => {
                            if (!hydrated) return;
                            selectRange(index, event.shiftKey, !isSelected);
                          }}
                        />
                      </td>
                    ) : null}
                    {LEDGER_COLUMNS.map((column, ci) =>
                      hydrated || !canEdit ? (
                        <GridCell
                          key={column.key}
                          year={year}
                          row={row}
                          r={index}
                          c={ci}
                          refs={refs}
                          live={hydrated}
                          active={hydrated && index === r && ci === c}
                          editing={editing && editing.r === index && editing.c === ci ? editing : null}
                          canEdit={canEdit}
                          onActivate={() => {
                            wantFocus.current = true;
                            setActive({ r: index, c: ci });
                          }}
                          onStartPick={() => {
                            wantFocus.current = true;
                            setActive({ r: index, c: ci });
                            if (canEdit && column.editable) {
                              setEditing({
                                r: index,
                                c: ci,
                                draft: column.key === "dueDate" ? (row.dueDate ?? "") : fieldText(row, column.key as LedgerField, refs),
                                mode: PICKABLE.has(column.key) ? "pick" : "text",
                              });
                            }
                          }}
                          onDone={(direction) => {
                            setEditing(null);
                            wantFocus.current = true;
                            if (direction) move(direction);
                          }}
                        />
                      ) : (
                        <FormCell
                          key={column.key}
                          row={row}
                          field={column.key}
                          refs={refs}
                          error={rowError?.taskId === row.id ? rowError.errors : undefined}
                        />
                      ),
                    )}
                    {canEdit && !hydrated ? (
                      <td className="col-save">
                        <Form method="post" id={`row-${row.id}`} preventScrollReset>
                          <input type="hidden" name="intent" value="row" />
                          <input type="hidden" name="year" value={year} />
                          <input type="hidden" name="taskId" value={row.id} />
                          <input type="hidden" name="version" value={row.version} />
                          <button type="submit" className="button secondary small">
                            保存
                          </button>
                        </Form>
                        {rowError?.taskId === row.id ? (
                          <p className="field-error" role="alert">
                            {rowError.message}
                          </p>
                        ) : null}
                      </td>
                    ) : null}
                  </tr>
                </Fragment>
              );
            })}
          </tbody>
        </table>
      </div>
      {rows.length === 0 ? <p className="empty-state">该年度计划还没有重点工作。</p> : null}
    </>
  );
}

// ---------------------------------------------------------------- without JavaScript

// ---------------------------------------------------------------- one live cell

function GridCell({
  year,
  row,
  r,
  c,
  refs,
  live,
  active,
  editing,
  canEdit,
  onActivate,
  onStartPick,
  onDone,
}: {
  year: number;
  row: LedgerRow;
  r: number;
  c: number;
  refs: Refs;
  live: boolean;
  active: boolean;
  editing: Editing | null;
  canEdit: boolean;
  onActivate: () => void;
  onStartPick: () => void;
  onDone: (direction: "up" | "down" | "left" | "right" | "next" | "previous" | null) => void;
}) {
  const column = LEDGER_COLUMNS[c];
  const field = column.key;
  const fetcher = useFetcher<LedgerActionData>({ key: `ledger-cell-${row.id}-${field}` });
  const saved = field === "code" ? row.code : field === "status" ? row.status : fieldText(row, field as LedgerField, refs);
  const pending = fetcher.state !== "idle" ? fetcher.formData?.get("value") : null;
  const refusal =
    fetcher.state === "idle" && fetcher.data && fetcher.data.intent === "cell" && !fetcher.data.ok ? fetcher.data.error : null;
  const shown = typeof pending === "string" ? pending : saved;
  const errorId = `cell-error-${row.id}-${field}`;

  function commit(value: string, direction: Parameters<typeof onDone>[0]) {
    const f = field as LedgerField;
    const unchanged = f === "dueDate" ? value === (row.dueDate ?? "") || value === saved : value.trim() === saved;
    if (!unchanged) {
      fetcher.submit(
        { intent: "cell", year: String(year), taskId: String(row.id), version: String(row.version), field: f, value },
        { method: "post", action: "/ledger" },
      );
    }
    onDone(direction);
  }

  const classes = [
    `col-${field}`,
    column.editable && canEdit ? "is-editable" : "is-readonly",
    active ? "is-active" : "",
    typeof pending === "string" ? "is-saving" : "",
    refusal ? "is-refused" : "",
  ]
    .filter(Boolean)
    .join(" ");

  return (
    <td
      className={classes}
      data-label={column.header}
      data-cell={live ? cellKey(r, c) : undefined}
      role={live ? "gridcell" : undefined}
      tabIndex={live ? (active ? 0 : -1) : undefined}
      aria-readonly={live && !(column.editable && canEdit) ? true : undefined}
      aria-describedby={refusal ? errorId : undefined}
      aria-invalid={refusal ? true : undefined}
      onMouseDown={live && !editing ? onActivate : undefined}
      onDoubleClick={live ? onStartPick : undefined}
    >
      {editing ? (
        <CellEditor
          field={field as LedgerField}
          editing={editing}
          refs={refs}
          label={`${row.code} ${column.header}`}
          onCommit={commit}
          onCancel={() => onDone(null)}
        />
      ) : (
        <div className="cell-body">
          <span className="cell-text">{shown}</span>
          {field === "metricName" && row.extraMetrics > 0 ? <span className="cell-more">另有{row.extraMetrics}项指标</span> : null}
          {field === "metricUnit" && !row.metricUnit && row.metricTarget != null ? <span className="cell-hint">待填</span> : null}
          {refusal ? (
            <span className="cell-error" id={errorId} role="alert">
              {refusal}
            </span>
          ) : null}
        </div>
      )}
    </td>
  );
}
